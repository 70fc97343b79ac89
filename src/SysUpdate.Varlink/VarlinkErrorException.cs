using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SysUpdate.Varlink;

/// <summary>
/// A Varlink error reply. Thrown by <see cref="Client.VarlinkClient"/> when the service answers with
/// <c>error</c>; thrown by a method handler to make the server answer with that error.
/// </summary>
internal sealed class VarlinkErrorException : VarlinkException
{
    public VarlinkErrorException(string error, JsonElement parameters)
        : base(FormatMessage(error, parameters))
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        Error = error;
        Parameters = parameters.ValueKind == JsonValueKind.Object ? parameters.Clone() : Protocol.VarlinkJson.EmptyObject;
    }

    public VarlinkErrorException(string error, JsonObject? parameters = null)
        : this(error, ToElement(parameters))
    {
    }

    /// <summary>The fully qualified error name, e.g. <c>org.varlink.service.InvalidParameter</c>.</summary>
    public string Error { get; }

    /// <summary>The error's parameters; always a JSON object (empty when the reply had none).</summary>
    public JsonElement Parameters { get; }

    public static VarlinkErrorException InvalidParameter(string parameter) =>
        new(VarlinkErrors.InvalidParameter, new JsonObject { ["parameter"] = parameter });

    public static VarlinkErrorException PermissionDenied() => new(VarlinkErrors.PermissionDenied);

    public static VarlinkErrorException ExpectedMore() => new(VarlinkErrors.ExpectedMore);

    public static VarlinkErrorException MethodNotImplemented(string method) =>
        new(VarlinkErrors.MethodNotImplemented, new JsonObject { ["method"] = method });

    /// <summary>systemd's generic <c>io.systemd.System</c> error with an errno number and name.</summary>
    public static VarlinkErrorException System(int errno, string errnoName) =>
        new(VarlinkErrors.SystemError, new JsonObject { ["errno"] = errno, ["errnoName"] = errnoName });

    private static string FormatMessage(string error, JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.EnumerateObject().Any())
        {
            return $"Varlink error {error}";
        }

        return $"Varlink error {error} {parameters.GetRawText()}";
    }

    internal static JsonElement ToElement(JsonObject? parameters)
    {
        if (parameters is null)
        {
            return Protocol.VarlinkJson.EmptyObject;
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            parameters.WriteTo(writer);
        }

        using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
