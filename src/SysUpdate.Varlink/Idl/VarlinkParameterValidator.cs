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
    public static string? FindInvalidParameter(VarlinkInterfaceDefinition definition, VarlinkStructType input, JsonElement parameters) =>
        FindInvalidField(definition, input, parameters, allowUnknownFields: false);

    /// <summary>
    /// Like <see cref="FindInvalidParameter"/> for a reply: fields the struct does not declare are
    /// allowed (a newer service may add some), everything declared must fit.
    /// </summary>
    public static string? FindInvalidReplyField(VarlinkInterfaceDefinition definition, VarlinkStructType output, JsonElement parameters) =>
        FindInvalidField(definition, output, parameters, allowUnknownFields: true);

    private static string? FindInvalidField(VarlinkInterfaceDefinition definition, VarlinkStructType input, JsonElement parameters, bool allowUnknownFields)
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
            if (field is null && allowUnknownFields)
            {
                continue;
            }

            if (field is null || !Fits(definition, field.Type, property.Value, allowUnknownFields))
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
    public static bool Fits(VarlinkInterfaceDefinition definition, VarlinkType type, JsonElement value, bool allowUnknownFields = false)
    {
        ArgumentNullException.ThrowIfNull(definition);
        switch (type)
        {
            case VarlinkNullableType nullable:
                return value.ValueKind == JsonValueKind.Null || Fits(definition, nullable.Inner, value, allowUnknownFields);
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
                    if (!Fits(definition, array.Element, element, allowUnknownFields))
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
                    if (!Fits(definition, map.Element, property.Value, allowUnknownFields))
                    {
                        return false;
                    }
                }

                return true;
            case VarlinkNamedType named:
                return definition.Types.TryGetValue(named.Name, out VarlinkTypeDefinition? resolved) && Fits(definition, resolved.Type, value, allowUnknownFields);
            case VarlinkEnumType enumType:
                return value.ValueKind == JsonValueKind.String && enumType.Contains(value.GetString()!);
            case VarlinkStructType structType:
                return value.ValueKind == JsonValueKind.Object && FindInvalidField(definition, structType, value, allowUnknownFields) is null;
            default:
                return false;
        }
    }
}
