using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using UpdateCtl.Output;

namespace UpdateCtl.Commands;

/// <summary>
/// <c>list</c>: every target and its installed version; <c>list TARGET</c>: its versions;
/// <c>list TARGET@VERSION</c>: one version in detail.
/// </summary>
internal static class ListCommand
{
    public static Command Create(UpdateCtlApp app)
    {
        var target = new Argument<string?>("TARGET[@VERSION]") { Arity = ArgumentArity.ZeroOrOne, Description = "Show versions of this target, or one version" };
        var command = new Command("list", "List available targets and versions") { target };
        command.SetAction((parse, ct) => app.RunAsync(parse, ct, (session, token) => ExecuteAsync(session, parse.GetValue(target), token)));
        return command;
    }

    public static async Task<int> ExecuteAsync(Session session, string? argument, CancellationToken cancellationToken)
    {
        if (argument is null)
            return await ListTargetsAsync(session, cancellationToken).ConfigureAwait(false);
        var spec = TargetSpec.Parse(argument, allowVersion: true);
        return spec.Version is null
            ? await ListVersionsAsync(session, spec, cancellationToken).ConfigureAwait(false)
            : await DescribeAsync(session, spec, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ListTargetsAsync(Session session, CancellationToken cancellationToken)
    {
        var table = new Table("target", "version");
        foreach (var target in await session.ListTargetsAsync(cancellationToken).ConfigureAwait(false))
        {
            var reply = await session.CallAsync("GetVersion", target.Parameters(), cancellationToken).ConfigureAwait(false);
            table.AddRow(target.Id, reply.TryGetProperty("version", out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null);
        }
        if (table.RowCount == 0)
        {
            session.Output.WriteLine("No targets.");
            return 0;
        }
        table.Write(session.Output, session.Legend);
        return 0;
    }

    private static async Task<int> ListVersionsAsync(Session session, TargetSpec target, CancellationToken cancellationToken)
    {
        var reply = await session.CallAsync("ListVersions", target.Parameters(("offline", session.Offline)), cancellationToken).ConfigureAwait(false);
        var table = new Table("", "version", "status");
        foreach (var v in reply.GetProperty("versions").EnumerateArray())
            table.AddRow(Glyph(v), v.GetProperty("version").GetString(), v.GetProperty("assessment").GetString());
        if (table.RowCount == 0)
        {
            session.Output.WriteLine("No versions.");
            return 0;
        }
        table.Write(session.Output, session.Legend);
        return 0;
    }

    private static async Task<int> DescribeAsync(Session session, TargetSpec target, CancellationToken cancellationToken)
    {
        var reply = await session.CallAsync("Describe",
            target.Parameters(("version", target.Version), ("offline", session.Offline)), cancellationToken).ConfigureAwait(false);
        var v = reply.GetProperty("version");
        var o = session.Output;
        o.WriteLine($"{Glyph(v)} Version: {v.GetProperty("version").GetString()}");
        o.WriteLine($"    State: {v.GetProperty("assessment").GetString()}");
        o.WriteLine($"Installed: {YesNo(v, "installed")}");
        o.WriteLine($"Available: {YesNo(v, "available")}");
        o.WriteLine($"Protected: {YesNo(v, "protected")}");
        o.WriteLine($" Obsolete: {YesNo(v, "obsolete")}");
        foreach (var url in reply.GetProperty("changelogUrls").EnumerateArray())
            o.WriteLine($"ChangeLog: {url.GetString()}");
        o.WriteLine();
        var table = new Table("type", "path", "size", "sha256");
        foreach (var c in reply.GetProperty("contents").EnumerateArray())
        {
            table.AddRow(c.GetProperty("type").GetString(), c.GetProperty("path").GetString(),
                c.TryGetProperty("size", out JsonElement size) ? size.GetUInt64().ToString(CultureInfo.InvariantCulture) : null,
                c.TryGetProperty("sha256", out JsonElement sha) ? sha.GetString() : null);
        }
        table.Write(o, session.Legend);
        return 0;
    }

    private static string YesNo(JsonElement version, string flag) => version.GetProperty(flag).GetBoolean() ? "yes" : "no";

    /// <summary>The first column's glyph, as <c>sysupdate list</c> draws it.</summary>
    public static string Glyph(JsonElement v)
    {
        bool F(string name) => v.GetProperty(name).GetBoolean();
        if (v.GetProperty("flags").GetInt32() == 0 || F("obsolete"))
            return "×";
        bool pending = F("pending") && !(F("installed") && F("incomplete"));
        if (F("partial") || pending)
            return "↓";
        if (F("newest") && F("installed"))
            return "●";
        if (F("installed") && F("protected"))
            return "○";
        if (F("available") && F("newest") && !F("installed"))
            return "↻";
        return " ";
    }

    internal static JsonNode? Node(string? value) => value is null ? null : JsonValue.Create(value);
}
