using System.CommandLine;
using System.Globalization;
using SysUpdate.Cli.Output;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli.Commands.List;

/// <summary><c>list [VERSION]</c>: installed and available versions, or one version in detail.</summary>
internal static class ListCommand
{
    public static readonly Argument<string?> Version = new("VERSION") { Arity = ArgumentArity.ZeroOrOne, Description = "Show details of this version" };

    public static Command Create(CliApp app)
    {
        var command = new Command("list", "Show installed and available versions") { Version };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (cli, token) => ExecuteAsync(cli, parse.GetValue(Version), token)));
        return command;
    }

    public static async Task<int> ExecuteAsync(CliInvocation cli, string? version, CancellationToken cancellationToken)
    {
        cli.RequireNoFeatureSelection("list");
        cli.RequireNoComponentSelection("list");
        using var context = await UpdateContext.LoadOnlineAsync(cli.Options, LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers,
            cli.Logger, cancellationToken).ConfigureAwait(false);

        if (version is not null)
            return ShowVersion(cli, context, version);

        if (cli.Json == JsonMode.Off)
        {
            var table = new TextTable("", "version", "installed", "available", "assessment");
            table.AlignRight(0);
            foreach (var set in context.Plan.UpdateSets)
            {
                bool held = context.Plan.HeldBack.TryGetValue(set.Version, out var rollout);
                table.AddRow(held ? " " : set.Flags.ToGlyph(), set.Version, set.Has(UpdateSetFlags.Installed) ? "✓" : " ",
                    set.Has(UpdateSetFlags.Available) ? "✓" : " ", held ? HeldBackText(rollout!) : set.Flags.ToAssessment());
            }
            table.Write(cli.Output, cli.Legend);
            return 0;
        }

        var current = context.Plan.UpdateSets.LastOrDefault(s => s.Has(UpdateSetFlags.Installed | UpdateSetFlags.Newest));
        var appstream = context.Transfers.SelectMany(t => t.Definition.AppStream).Distinct().ToList();
        JsonOutput.Write(cli.Output, cli.Json, w =>
        {
            w.WriteStartObject();
            w.WriteNullableString(current is not null && current.Has(UpdateSetFlags.Pending) ? "current+pending" : "current", current?.Version);
            w.WriteStringArray("all", context.Plan.UpdateSets.Select(s => s.Version));
            w.WriteStringArray("appstreamUrls", appstream);
            // Only when something is held back: without a rollout the object stays exactly systemd's.
            if (context.Plan.HeldBack.Count > 0)
                w.WriteStringArray("heldBackByRollout", context.Plan.UpdateSets.Select(s => s.Version).Where(context.Plan.HeldBack.ContainsKey));
            w.WriteEndObject();
        });
        return 0;
    }

    private static int ShowVersion(CliInvocation cli, UpdateContext context, string version)
    {
        var set = context.Plan.Find(version) ?? throw new VersionNotFoundException(version);
        var flags = set.Flags;
        var changelogs = context.Transfers.SelectMany(t => t.Definition.ChangeLog)
            .Select(u => u.Replace("@v", version, StringComparison.Ordinal)).Distinct().ToList();

        var rows = new List<VersionRow>();
        for (int i = 0; i < set.Instances.Count; i++)
        {
            if (set.Instances[i] is { } instance)
                rows.Add(new VersionRow(context.Transfers[i], instance));
        }

        var hidden = HiddenColumns(context, rows);
        var rollout = RolloutGate.RolloutOf(set);
        bool heldBack = context.Plan.HeldBack.ContainsKey(set.Version);
        if (cli.Json != JsonMode.Off)
        {
            JsonOutput.Write(cli.Output, cli.Json, w =>
            {
                w.WriteStartObject();
                w.WriteString("version", set.Version);
                InstanceJson.WriteFlags(w, flags);
                if (rollout is not null)
                {
                    w.WriteNumber("rolloutPercent", rollout.BasisPoints / 100m);
                    w.WriteBoolean("heldBackByRollout", heldBack);
                }
                w.WriteStringArray("changelogUrls", changelogs);
                w.WriteStartArray("contents");
                foreach (var row in rows)
                    InstanceJson.Write(w, row.Transfer, row.Instance, varlinkNames: false, omit: hidden);
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return 0;
        }

        bool installed = flags.HasFlag(UpdateSetFlags.Installed);
        var o = cli.Output;
        o.WriteLine($"{flags.ToGlyph()} Version: {set.Version}");
        o.WriteLine($"    State: {(heldBack ? HeldBackText(rollout!) : flags.ToAssessment())}");
        o.WriteLine("Installed: " + YesNo(installed)
            + (set.Has(UpdateSetFlags.Installed | UpdateSetFlags.Newest) ? " (newest)" : "")
            + (flags.HasFlag(UpdateSetFlags.Incomplete) ? " (incomplete)" : "")
            + (set.Has(UpdateSetFlags.Installed | UpdateSetFlags.Pending) ? " (pending)" : "")
            + (set.Has(UpdateSetFlags.Installed | UpdateSetFlags.Partial) ? " (partial)" : ""));
        o.WriteLine("Available: " + YesNo(flags.HasFlag(UpdateSetFlags.Available))
            + ((flags & (UpdateSetFlags.Installed | UpdateSetFlags.Available | UpdateSetFlags.Newest)) == (UpdateSetFlags.Available | UpdateSetFlags.Newest) ? " (newest)" : ""));
        o.WriteLine("Protected: " + YesNo(set.Has(UpdateSetFlags.Installed | UpdateSetFlags.Protected)));
        o.WriteLine(" Obsolete: " + YesNo(flags.HasFlag(UpdateSetFlags.Obsolete)));
        if (flags.HasFlag(UpdateSetFlags.TooNew))
            o.WriteLine("  Too new: yes (beyond MaxVersion=)");
        if (rollout is not null && !flags.HasFlag(UpdateSetFlags.Installed))
            o.WriteLine($"  Rollout: {rollout.PercentText} of machines" + (heldBack ? ", not this one yet"
                : RolloutPolicyText.Resolve(cli.Options.Rollout, cli.Options.Environment) == RolloutPolicy.Ignore ? " (ignored)" : ", this one included"));
        foreach (var url in changelogs)
            o.WriteLine($"ChangeLog: {url}");
        o.WriteLine();

        var table = new TextTable(Columns);
        table.AlignRight(3, 4, 5, 6, 7, 8);
        foreach (var row in rows)
            table.AddRow(row.Cells());
        table.Hide(hidden.Select(name => Array.IndexOf(Columns, name)).ToArray());
        table.Write(o, cli.Legend);
        return 0;
    }

    private static readonly string[] Columns =
        ["type", "path", "ptuuid", "ptflags", "mtime", "mode", "size", "tries-done", "tries-left", "noauto", "ro", "growfs", "sha256"];

    /// <summary>Columns without data, hidden from the table and, as upstream's table-to-JSON does,
    /// left out of the JSON contents too.</summary>
    private static HashSet<string> HiddenColumns(UpdateContext context, List<VersionRow> rows)
    {
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        bool partitions = context.Transfers.Any(t => t.Definition.Target.Type == ResourceType.Partition)
            && rows.Any(r => r.Metadata.PartitionUuid is not null || r.Metadata.PartitionFlags is not null);
        bool fs = context.Transfers.Any(t => t.Definition.Target.Type.IsFileSystem())
            && rows.Any(r => r.Metadata.MtimeMicroseconds is not null || r.Metadata.Mode is not null);
        if (!partitions)
            hidden.UnionWith(["ptuuid", "ptflags"]);
        if (!fs)
            hidden.UnionWith(["mtime", "mode"]);
        if (!rows.Any(r => r.Metadata.Size is not null))
            hidden.Add("size");
        if (!rows.Any(r => r.Metadata.TriesDone is not null || r.Metadata.TriesLeft is not null))
            hidden.UnionWith(["tries-done", "tries-left"]);
        if (!rows.Any(r => r.Metadata.NoAuto is not null))
            hidden.Add("noauto");
        if (!rows.Any(r => r.Metadata.ReadOnly is not null))
            hidden.Add("ro");
        if (!rows.Any(r => r.Metadata.GrowFileSystem is not null))
            hidden.Add("growfs");
        if (!rows.Any(r => r.Metadata.Sha256 is not null))
            hidden.Add("sha256");
        return hidden;
    }

    private static string HeldBackText(Core.Manifests.RolloutEntry rollout) => $"held back by rollout ({rollout.PercentText})";

    private static string YesNo(bool value) => value ? "yes" : "no";

    private sealed record VersionRow(TransferRuntime Transfer, Instance Instance)
    {
        public Core.Versions.InstanceMetadata Metadata => Instance.Metadata;

        public string?[] Cells()
        {
            var m = Metadata;
            return
            [
                InstanceJson.TypeOf(Transfer, Instance).ToConfigString(), Instance.Path, m.PartitionUuid?.ToString("D"),
                m.PartitionFlags?.ToString("x", CultureInfo.InvariantCulture),
                m.MtimeMicroseconds is { } t ? DateTimeOffset.FromUnixTimeMilliseconds((long)(t / 1000)).UtcDateTime.ToString("ddd yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : null,
                m.Mode is { } mode ? Convert.ToString(mode, 8).PadLeft(4, '0') : null,
                m.Size is { } size ? FormatSize(size) : null,
                m.TriesDone?.ToString(CultureInfo.InvariantCulture), m.TriesLeft?.ToString(CultureInfo.InvariantCulture),
                Bool(m.NoAuto), Bool(m.ReadOnly), Bool(m.GrowFileSystem), m.Sha256,
            ];
        }

        private static string? Bool(bool? value) => value is null ? null : value.Value ? "yes" : "no";

        private static string FormatSize(ulong bytes)
        {
            string[] units = ["B", "K", "M", "G", "T", "P"];
            double value = bytes;
            int unit = 0;
            while (value >= 1024 && unit < units.Length - 1)
            {
                value /= 1024;
                unit++;
            }
            return unit == 0 ? $"{bytes}B" : value.ToString("0.#", CultureInfo.InvariantCulture) + units[unit];
        }
    }
}
