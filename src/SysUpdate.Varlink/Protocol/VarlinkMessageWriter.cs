using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SysUpdate.Varlink.Protocol;

/// <summary>
/// Builds complete Varlink frames (JSON + NUL). Parameters come as a callback that writes one JSON object
/// value, so callers can use <see cref="JsonObject"/>, <see cref="JsonElement"/> or source-generated
/// serialization without reflection.
/// </summary>
internal static class VarlinkMessageWriter
{
    public static byte[] Call(string method, Action<Utf8JsonWriter>? writeParameters, bool oneway = false, bool more = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        return Build(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("method"u8, method);
            writer.WritePropertyName("parameters"u8);
            WriteParameters(writer, writeParameters);
            if (oneway)
            {
                writer.WriteBoolean("oneway"u8, true);
            }

            if (more)
            {
                writer.WriteBoolean("more"u8, true);
            }

            writer.WriteEndObject();
        });
    }

    public static byte[] Reply(Action<Utf8JsonWriter>? writeParameters, bool continues) =>
        Build(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("parameters"u8);
            WriteParameters(writer, writeParameters);
            if (continues)
            {
                writer.WriteBoolean("continues"u8, true);
            }

            writer.WriteEndObject();
        });

    public static byte[] Error(string error, Action<Utf8JsonWriter>? writeParameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return Build(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error"u8, error);
            writer.WritePropertyName("parameters"u8);
            WriteParameters(writer, writeParameters);
            writer.WriteEndObject();
        });
    }

    /// <summary>A parameters writer for a <see cref="JsonObject"/> (<see langword="null"/> → <c>{}</c>).</summary>
    public static Action<Utf8JsonWriter>? FromObject(JsonObject? parameters) =>
        parameters is null ? null : writer => parameters.WriteTo(writer);

    /// <summary>A parameters writer for a <see cref="JsonElement"/> that must be an object.</summary>
    public static Action<Utf8JsonWriter> FromElement(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"Varlink parameters must be a JSON object, not {parameters.ValueKind}", nameof(parameters));
        }

        return parameters.WriteTo;
    }

    private static void WriteParameters(Utf8JsonWriter writer, Action<Utf8JsonWriter>? writeParameters)
    {
        if (writeParameters is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            writeParameters(writer);
        }
    }

    private static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = false }))
        {
            write(writer);
        }

        byte[] frame = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(frame);
        return frame;
    }
}
