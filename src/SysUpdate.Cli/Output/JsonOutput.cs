using System.Text.Encodings.Web;
using System.Text.Json;

namespace SysUpdate.Cli.Output;

/// <summary>Writes one JSON document to stdout with <see cref="Utf8JsonWriter"/> (no reflection),
/// followed by a newline: compact for <c>--json=short</c>; for <c>pretty</c> laid out as systemd's
/// JSON printer does (tab indentation, <c>"key" : value</c>), so output compares equal to upstream's.</summary>
internal static class JsonOutput
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static void Write(TextWriter output, JsonMode mode, Action<Utf8JsonWriter> build)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Encoder }))
        {
            build(writer);
        }
        if (mode == JsonMode.Pretty)
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            var text = new System.Text.StringBuilder();
            AppendPretty(text, document.RootElement, "");
            output.WriteLine(text.ToString());
        }
        else
        {
            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        output.Flush();
    }

    private static void AppendPretty(System.Text.StringBuilder text, JsonElement element, string prefix)
    {
        string inner = prefix + "\t";
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (!element.EnumerateObject().Any())
                {
                    text.Append("{}");
                    return;
                }
                text.Append("{\n");
                bool firstProperty = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!firstProperty)
                        text.Append(",\n");
                    firstProperty = false;
                    text.Append(inner).Append('"').Append(JsonEncodedText.Encode(property.Name, Encoder).ToString()).Append("\" : ");
                    AppendPretty(text, property.Value, inner);
                }
                text.Append('\n').Append(prefix).Append('}');
                return;
            case JsonValueKind.Array:
                if (element.GetArrayLength() == 0)
                {
                    text.Append("[]");
                    return;
                }
                text.Append("[\n");
                bool firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!firstItem)
                        text.Append(",\n");
                    firstItem = false;
                    text.Append(inner);
                    AppendPretty(text, item, inner);
                }
                text.Append('\n').Append(prefix).Append(']');
                return;
            default:
                text.Append(element.GetRawText());
                return;
        }
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
