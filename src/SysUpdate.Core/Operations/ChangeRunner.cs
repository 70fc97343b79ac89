using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Planning;

namespace SysUpdate.Core.Operations;

/// <summary>
/// The one way to acquire, install or update, for the CLI verbs and the Varlink service alike. The
/// context must have been loaded with <see cref="Requirements"/> (so it holds the run lock of every
/// target). One cancellation rule: the token is honoured until the install begins, never during it,
/// since a half-renamed set or a half-committed table would be worse than a finished one.
/// </summary>
internal static class ChangeRunner
{
    /// <summary>What a change needs from the definitions: enabled transfers, an enabled component, and the lock.</summary>
    public const LoadRequirements Requirements =
        LoadRequirements.EnabledTransfers | LoadRequirements.AnyTransfers | LoadRequirements.EnabledComponent | LoadRequirements.LockTargets;

    public static async Task<ChangeOutcome> RunAsync(UpdateContext context, ChangeOperation operation, string? version,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Locks is null)
            throw new InvalidOperationException("A change needs a context loaded with LoadRequirements.LockTargets.");

        var operations = new UpdateOperations(context, progress);
        var staged = operation == ChangeOperation.Install
            ? await operations.ProcessPendingAsync(version, cancellationToken).ConfigureAwait(false)
            : await operations.AcquireAsync(version, cancellationToken).ConfigureAwait(false);
        if (staged is null)
        {
            // Nothing to install, but a run killed between its install and its trim may have left one
            // instance too many: finish that trim, keeping the newest installed version.
            if (operation == ChangeOperation.Update && context.Plan.NewestInstalled is { } newest)
                await Vacuum.AfterInstallAsync(context, newest.Version, cancellationToken).ConfigureAwait(false);
            return ChangeOutcome.Nothing;
        }
        if (operation == ChangeOperation.Acquire)
            return new ChangeOutcome(staged.Set, null);

        cancellationToken.ThrowIfCancellationRequested();
        var installed = await operations.InstallAsync(staged, CancellationToken.None).ConfigureAwait(false);
        return new ChangeOutcome(installed.Set, installed);
    }
}
