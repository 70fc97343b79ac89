using SysUpdate.Core.Planning;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Cli.Varlink;

/// <summary><c>GetTargetState</c>: what a GUI shows for a target, from what is installed only (no network),
/// open to every caller.</summary>
internal sealed partial class SysUpdateService
{
    private async Task GetTargetStateAsync(VarlinkCall call, CancellationToken ct)
    {
        var target = TargetId.FromParameters(call.Parameters);
        var options = OptionsFor(target, offline: true);
        using var context = await LoadAsync(options, LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers, online: true, ct).ConfigureAwait(false);

        string? newest = context.Plan.NewestInstalled?.Version;
        // Components are not booted: only the host has a booted version to restart away from.
        string? booted = target.Class == TargetId.HostClass ? context.Host.OsRelease("IMAGE_VERSION") : null;
        bool restartPending = PendingRestart.IsPending(newest, booted);
        var appstream = AppStreamUrls(context);
        var changelogs = newest is null ? [] : ChangelogUrls(context, newest);
        long? jobId = RunningJobOf(target)?.Id;

        await call.ReplyAsync(w =>
        {
            w.WriteStartObject();
            if (booted is not null)
                w.WriteString("bootedVersion", booted);
            if (newest is not null)
                w.WriteString("newestInstalled", newest);
            w.WriteBoolean("restartPending", restartPending);
            SysUpdateJson.WriteStrings(w, "appstreamUrls", appstream);
            SysUpdateJson.WriteStrings(w, "changelogUrls", changelogs);
            if (jobId is { } id)
                w.WriteNumber("jobId", id);
            w.WriteEndObject();
        }, cancellationToken: ct).ConfigureAwait(false);
    }

    private static List<string> AppStreamUrls(UpdateContext context) =>
        context.Transfers.SelectMany(t => t.Definition.AppStream).Distinct().ToList();

    /// <summary>The ChangeLog= URLs of the transfers with <c>@v</c> replaced by <paramref name="version"/>.</summary>
    private static List<string> ChangelogUrls(UpdateContext context, string version) =>
        context.Transfers.SelectMany(t => t.Definition.ChangeLog)
            .Select(u => u.Replace("@v", version, StringComparison.Ordinal)).Distinct().ToList();
}
