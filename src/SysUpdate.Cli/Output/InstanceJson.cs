using System.Text.Json;
using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Output;

/// <summary>
/// One instance of a version as JSON: the columns of <c>list VERSION</c>. The CLI spells them as
/// upstream's table does (<c>tries-done</c>, null for unknown); Varlink field names cannot contain
/// '-', so the service uses camel case and leaves unknown fields out.
/// </summary>
internal static class InstanceJson
{
    /// <summary>The resource type an instance of a version was found in: the target when installed, else the source.</summary>
    public static ResourceType TypeOf(TransferRuntime transfer, Instance instance) =>
        transfer.TargetInstances.Contains(instance) ? transfer.Definition.Target.Type : transfer.Definition.Source.Type;

    /// <summary>The state booleans of an update set, in the order upstream's <c>list VERSION</c> JSON
    /// has them (the CLI's document and Varlink's <c>Version</c> type both carry them).</summary>
    public static void WriteFlags(Utf8JsonWriter w, UpdateSetFlags flags)
    {
        w.WriteBoolean("newest", flags.HasFlag(UpdateSetFlags.Newest));
        w.WriteBoolean("available", flags.HasFlag(UpdateSetFlags.Available));
        w.WriteBoolean("installed", flags.HasFlag(UpdateSetFlags.Installed));
        w.WriteBoolean("partial", flags.HasFlag(UpdateSetFlags.Partial));
        w.WriteBoolean("pending", flags.HasFlag(UpdateSetFlags.Pending));
        w.WriteBoolean("obsolete", flags.HasFlag(UpdateSetFlags.Obsolete));
        w.WriteBoolean("protected", flags.HasFlag(UpdateSetFlags.Protected));
        w.WriteBoolean("incomplete", flags.HasFlag(UpdateSetFlags.Incomplete));
        // Only when set: systemd 262.1's updatectl reports fields it does not know, and it cannot know
        // this one (262.1 has no MaxVersion=), so a document without a too-new version stays as it was.
        if (flags.HasFlag(UpdateSetFlags.TooNew))
            w.WriteBoolean("tooNew", true);
    }

    /// <param name="omit">CLI columns hidden from the table (no row has data there): left out entirely.</param>
    public static void Write(Utf8JsonWriter w, TransferRuntime transfer, Instance instance, bool varlinkNames, IReadOnlySet<string>? omit = null)
    {
        var m = instance.Metadata;
        bool Show(string column) => omit is null || !omit.Contains(column);
        w.WriteStartObject();
        w.WriteString("type", TypeOf(transfer, instance).ToConfigString());
        w.WriteString("path", instance.Path);
        if (Show("ptuuid")) Field(w, "ptuuid", m.PartitionUuid?.ToString("D"), varlinkNames);
        if (Show("ptflags")) Number(w, "ptflags", m.PartitionFlags, varlinkNames);
        if (Show("mtime")) Number(w, "mtime", m.MtimeMicroseconds, varlinkNames);
        if (Show("mode")) Number(w, "mode", m.Mode, varlinkNames);
        if (Show("size")) Number(w, "size", m.Size, varlinkNames);
        if (Show("tries-done")) Number(w, varlinkNames ? "triesDone" : "tries-done", m.TriesDone, varlinkNames);
        if (Show("tries-left")) Number(w, varlinkNames ? "triesLeft" : "tries-left", m.TriesLeft, varlinkNames);
        if (Show("noauto")) Boolean(w, "noauto", m.NoAuto, varlinkNames);
        if (Show("ro")) Boolean(w, "ro", m.ReadOnly, varlinkNames);
        if (Show("growfs")) Boolean(w, "growfs", m.GrowFileSystem, varlinkNames);
        if (Show("sha256")) Field(w, "sha256", m.Sha256, varlinkNames);
        w.WriteEndObject();
    }

    private static void Field(Utf8JsonWriter w, string name, string? value, bool omitNull)
    {
        if (value is not null)
            w.WriteString(name, value);
        else if (!omitNull)
            w.WriteNull(name);
    }

    private static void Number(Utf8JsonWriter w, string name, ulong? value, bool omitNull)
    {
        if (value is { } v)
            w.WriteNumber(name, v);
        else if (!omitNull)
            w.WriteNull(name);
    }

    private static void Number(Utf8JsonWriter w, string name, uint? value, bool omitNull) => Number(w, name, (ulong?)value, omitNull);

    private static void Boolean(Utf8JsonWriter w, string name, bool? value, bool omitNull)
    {
        if (value is { } v)
            w.WriteBoolean(name, v);
        else if (!omitNull)
            w.WriteNull(name);
    }
}
