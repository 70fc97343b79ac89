using System.Text.Json;
using SysUpdate.Cli.Output;
using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Varlink;

/// <summary>Writes the IDL's struct types (<c>Version</c>, <c>Content</c>, <c>Feature</c>, <c>Progress</c>) with <see cref="Utf8JsonWriter"/>.</summary>
internal static class SysUpdateJson
{
    public static void WriteVersion(Utf8JsonWriter w, UpdateSet set)
    {
        var flags = set.Flags;
        w.WriteStartObject();
        w.WriteString("version", set.Version);
        w.WriteNumber("flags", (int)flags);
        w.WriteString("assessment", flags.ToAssessment());
        InstanceJson.WriteFlags(w, flags);
        w.WriteEndObject();
    }

    /// <summary>One instance of a version, typed as the resource it was found in (source or target).</summary>
    public static void WriteContent(Utf8JsonWriter w, TransferRuntime transfer, Instance instance) =>
        InstanceJson.Write(w, transfer, instance, varlinkNames: true);

    public static void WriteProgress(Utf8JsonWriter w, TransferProgress p)
    {
        w.WriteStartObject();
        w.WriteString("phase", p.Phase switch
        {
            UpdatePhase.Discovering => "discovering",
            UpdatePhase.MakingRoom => "making_room",
            UpdatePhase.Acquiring => "acquiring",
            UpdatePhase.Installing => "installing",
            UpdatePhase.Done => "done",
            _ => throw new ArgumentOutOfRangeException(nameof(p), p.Phase, "unknown phase"),
        });
        w.WriteString("version", p.Version);
        if (p.TransferId is { } transfer) w.WriteString("transfer", transfer);
        w.WriteNumber("transferIndex", p.TransferIndex);
        w.WriteNumber("transferCount", p.TransferCount);
        w.WriteNumber("bytesDone", p.BytesDone);
        if (p.BytesTotal is { } total) w.WriteNumber("bytesTotal", total);
        if (p.BytesFetched is { } fetched) w.WriteNumber("bytesFetched", fetched);
        if (p.BytesReused is { } reused) w.WriteNumber("bytesReused", reused);
        w.WriteNumber("percent", Percent(p));
        if (p.BytesPerSecond is { } rate) w.WriteNumber("bytesPerSecond", (long)Math.Round(rate));
        if (p.Remaining is { } left) w.WriteNumber("etaSeconds", (long)Math.Ceiling(left.TotalSeconds));
        w.WriteEndObject();
    }

    /// <summary>Overall percentage; installing starts only after every transfer was acquired.</summary>
    public static int Percent(TransferProgress p) => p.Phase is UpdatePhase.Installing or UpdatePhase.Done ? 100 : p.OverallPercent;

    public static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
