using System.Text.Encodings.Web;
using System.Text.Json;

namespace SysUpdate.Cli.Output;

/// <summary>Writes one JSON document to stdout with <see cref="Utf8JsonWriter"/> (no reflection),
/// compact for <c>--json=short</c>, indented for <c>pretty</c>, followed by a newline.</summary>
internal static class JsonOutput
{
    public static void Write(TextWriter output, JsonMode mode, Action<Utf8JsonWriter> build)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = mode == JsonMode.Pretty,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            build(writer);
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        output.Flush();
    }

    public static void WriteStringArray(this Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values)
            writer.WriteStringValue(v);
        writer.WriteEndArray();
    }

    public static void WriteNullableString(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
            writer.WriteNull(name);
        else
            writer.WriteString(name, value);
    }
}
