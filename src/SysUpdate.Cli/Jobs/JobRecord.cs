using System.Buffers;
using System.Text.Json;
using SysUpdate.Cli.Varlink;

namespace SysUpdate.Cli.Jobs;

/// <summary>
/// One job as the IDL's <c>Job</c> type describes it, and as its record file in the job store holds it.
/// The progress is kept as the JSON text <see cref="SysUpdateJson.WriteProgress"/> wrote, so a reader
/// serves every field the writer knew of.
/// </summary>
internal sealed record JobRecord(
    long Id,
    JobType Type,
    TargetId Target,
    string? Version,
    JobOrigin Origin,
    int Pid,
    int Uid,
    bool Detached,
    long StartedUSec,
    string? ProgressJson = null,
    JobResult? Result = null,
    string? ResultVersion = null,
    string? Message = null)
{
    public bool IsFinished => Result is not null;

    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("id", Id);
        w.WriteString("type", Type.ToWire());
        w.WritePropertyName("target");
        Target.WriteJson(w);
        if (Version is not null) w.WriteString("version", Version);
        w.WriteString("origin", Origin.ToWire());
        w.WriteNumber("pid", Pid);
        w.WriteNumber("uid", Uid);
        w.WriteBoolean("detached", Detached);
        w.WriteNumber("startedUSec", StartedUSec);
        if (ProgressJson is not null)
        {
            w.WritePropertyName("progress");
            w.WriteRawValue(ProgressJson, skipInputValidation: true);
        }
        if (Result is { } result) w.WriteString("result", result.ToWire());
        if (ResultVersion is not null) w.WriteString("resultVersion", ResultVersion);
        if (Message is not null) w.WriteString("message", Message);
        w.WriteEndObject();
    }

    public byte[] ToUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
            WriteJson(w);
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">Not a job record (malformed JSON, a missing field or an unknown word).</exception>
    public static JobRecord Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var document = JsonDocument.ParseValue(ref reader);
            return FromElement(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FormatException("malformed job record: " + ex.Message, ex);
        }
    }

    private static JobRecord FromElement(JsonElement e)
    {
        JsonElement target = e.GetProperty("target");
        return new JobRecord(
            e.GetProperty("id").GetInt64(),
            JobWireNames.ParseType(e.GetProperty("type").GetString()),
            new TargetId(target.GetProperty("class").GetString()!, OptionalString(target, "name")),
            OptionalString(e, "version"),
            JobWireNames.ParseOrigin(e.GetProperty("origin").GetString()),
            e.GetProperty("pid").GetInt32(),
            e.GetProperty("uid").GetInt32(),
            e.GetProperty("detached").GetBoolean(),
            e.GetProperty("startedUSec").GetInt64(),
            e.TryGetProperty("progress", out JsonElement progress) && progress.ValueKind == JsonValueKind.Object ? progress.GetRawText() : null,
            OptionalString(e, "result") is { } result ? JobWireNames.ParseResult(result) : null,
            OptionalString(e, "resultVersion"),
            OptionalString(e, "message"));
    }

    private static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
