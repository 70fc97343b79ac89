using System.Text.Json;

namespace SysUpdate.Varlink.Idl;

/// <summary>
/// Checks call parameters against a method's input struct: every non-nullable field present and not
/// null, no unknown fields, JSON kinds matching the declared types, enum values among the listed names,
/// recursively through arrays, maps, named and anonymous types.
/// </summary>
internal static class VarlinkParameterValidator
{
    /// <summary>
    /// Returns the name of the first top-level parameter that does not fit <paramref name="input"/>
    /// (what <c>org.varlink.service.InvalidParameter</c> reports), or <see langword="null"/> if all fit.
    /// </summary>
    public static string? FindInvalidParameter(VarlinkInterfaceDefinition definition, VarlinkStructType input, JsonElement parameters)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(input);
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return "parameters";
        }

        foreach (JsonProperty property in parameters.EnumerateObject())
        {
            VarlinkField? field = input.Find(property.Name);
            if (field is null || !Fits(definition, field.Type, property.Value))
            {
                return property.Name;
            }
        }

        foreach (VarlinkField field in input.Fields)
        {
            if (field.Type is not VarlinkNullableType && !parameters.TryGetProperty(field.Name, out _))
            {
                return field.Name;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="value"/> is a valid instance of <paramref name="type"/>.</summary>
    public static bool Fits(VarlinkInterfaceDefinition definition, VarlinkType type, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(definition);
        switch (type)
        {
            case VarlinkNullableType nullable:
                return value.ValueKind == JsonValueKind.Null || Fits(definition, nullable.Inner, value);
            case VarlinkPrimitiveType primitive:
                return primitive.Kind switch
                {
                    VarlinkPrimitiveKind.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                    VarlinkPrimitiveKind.Int => value.ValueKind == JsonValueKind.Number && (value.TryGetInt64(out _) || value.TryGetUInt64(out _)),
                    VarlinkPrimitiveKind.Float => value.ValueKind == JsonValueKind.Number,
                    VarlinkPrimitiveKind.String => value.ValueKind == JsonValueKind.String,
                    VarlinkPrimitiveKind.Object => value.ValueKind == JsonValueKind.Object,
                    _ => false,
                };
            case VarlinkArrayType array:
                if (value.ValueKind != JsonValueKind.Array)
                {
                    return false;
                }

                foreach (JsonElement element in value.EnumerateArray())
                {
                    if (!Fits(definition, array.Element, element))
                    {
                        return false;
                    }
                }

                return true;
            case VarlinkMapType map:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                foreach (JsonProperty property in value.EnumerateObject())
                {
                    if (!Fits(definition, map.Element, property.Value))
                    {
                        return false;
                    }
                }

                return true;
            case VarlinkNamedType named:
                return definition.Types.TryGetValue(named.Name, out VarlinkTypeDefinition? resolved) && Fits(definition, resolved.Type, value);
            case VarlinkEnumType enumType:
                return value.ValueKind == JsonValueKind.String && enumType.Contains(value.GetString()!);
            case VarlinkStructType structType:
                return value.ValueKind == JsonValueKind.Object && FindInvalidParameter(definition, structType, value) is null;
            default:
                return false;
        }
    }
}
