using SysUpdate.Cli.Varlink;
using SysUpdate.Core;
using SysUpdate.Core.Locking;

namespace SysUpdate.Cli.Jobs;

/// <summary>
/// Runs a change of the command line (<c>update</c>, <c>acquire</c>, <c>vacuum</c>, feature changes) as a
/// job of the root's store, so Varlink clients list, watch and cancel it like their own. The CLI's
/// signals still cancel it; a <c>CancelJob</c> ends it with <see cref="JobCancelledException"/>.
/// </summary>
internal static class CommandLineJob
{
    public static async Task<T> RunAsync<T>(CliInvocation cli, JobType type, string? version,
        Func<RunningJob?, CancellationToken, Task<T>> work, Func<T, JobEnd> end, CancellationToken cancellationToken)
    {
        var store = JobStore.ForRoot(cli.Options.Root);
        var target = cli.Options.Component is { } component ? new TargetId(TargetId.ComponentClass, component) : TargetId.Host;
        RunningJob job;
        try
        {
            job = await RunningJob.StartAsync(store, type, target, version, JobOrigin.CommandLine, LockInterop.GetEffectiveUid(),
                detached: true, cancellationToken, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SysUpdateException)
        {
            // The job list is for watchers; a caller that may change the root but not write its /run still gets its change.
            SysUpdateLog.Warning(cli.Logger, $"{store.Directory}: cannot register the job ({ex.Message}); running it unlisted.");
            return await work(null, cancellationToken).ConfigureAwait(false);
        }

        await using (job.ConfigureAwait(false))
        {
            try
            {
                return await job.RunAsync(token => work(job, token), end).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (job.CancelRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new JobCancelledException(job.Id);
            }
        }
    }
}
