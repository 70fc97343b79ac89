using System.Text.Json;

namespace SysUpdate.Varlink.Protocol;

/// <summary>A parsed call: <c>{"method", "parameters"?, "oneway"?, "more"?, "upgrade"?}</c>.</summary>
internal sealed record VarlinkCallMessage(string Method, JsonElement Parameters, bool Oneway, bool More, bool Upgrade)
{
    /// <exception cref="VarlinkProtocolException">The message is not a call object.</exception>
    public static VarlinkCallMessage Parse(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw new VarlinkProtocolException("Varlink call is not a JSON object");
        }

        string? method = null;
        JsonElement parameters = default;
        bool oneway = false, more = false, upgrade = false;
        foreach (JsonProperty property in message.EnumerateObject())
        {
            switch (property.Name)
            {
                case "method":
                    method = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()
                        : throw new VarlinkProtocolException("Varlink call field 'method' is not a string");
                    break;
                case "parameters":
                    if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                    {
                        throw new VarlinkProtocolException("Varlink call field 'parameters' is not an object");
                    }

                    parameters = property.Value;
                    break;
                case "oneway":
                    oneway = ReadFlag(property);
                    break;
                case "more":
                    more = ReadFlag(property);
                    break;
                case "upgrade":
                    upgrade = ReadFlag(property);
                    break;
                default:
                    // Unknown top-level fields are ignored, as the reference implementations do.
                    break;
            }
        }

        if (string.IsNullOrEmpty(method))
        {
            throw new VarlinkProtocolException("Varlink call has no 'method'");
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            parameters = VarlinkJson.EmptyObject;
        }

        return new VarlinkCallMessage(method, parameters, oneway, more, upgrade);
    }

    private static bool ReadFlag(JsonProperty property) => property.Value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False or JsonValueKind.Null => false,
        _ => throw new VarlinkProtocolException($"Varlink call field '{property.Name}' is not a boolean"),
    };
}
