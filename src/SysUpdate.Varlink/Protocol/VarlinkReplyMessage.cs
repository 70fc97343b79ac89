using System.Text.Json;

namespace SysUpdate.Varlink.Protocol;

/// <summary>A parsed reply: <c>{"parameters"?, "continues"?, "error"?}</c>.</summary>
internal sealed record VarlinkReplyMessage(JsonElement Parameters, bool Continues, string? Error)
{
    /// <exception cref="VarlinkProtocolException">The message is not a reply object.</exception>
    public static VarlinkReplyMessage Parse(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw new VarlinkProtocolException("Varlink reply is not a JSON object");
        }

        JsonElement parameters = VarlinkJson.EmptyObject;
        bool continues = false;
        string? error = null;
        foreach (JsonProperty property in message.EnumerateObject())
        {
            switch (property.Name)
            {
                case "parameters" when property.Value.ValueKind == JsonValueKind.Object:
                    parameters = property.Value;
                    break;
                case "parameters" when property.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "parameters":
                    throw new VarlinkProtocolException("Varlink reply field 'parameters' is not an object");
                case "continues":
                    continues = property.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False or JsonValueKind.Null => false,
                        _ => throw new VarlinkProtocolException("Varlink reply field 'continues' is not a boolean"),
                    };
                    break;
                case "error" when property.Value.ValueKind == JsonValueKind.String:
                    error = property.Value.GetString();
                    break;
                case "error" when property.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "error":
                    throw new VarlinkProtocolException("Varlink reply field 'error' is not a string");
                default:
                    break;
            }
        }

        return new VarlinkReplyMessage(parameters, continues, error);
    }
}
