using Microsoft.Extensions.Logging;
using SysUpdate.Core.Config;
using SysUpdate.Core.Locking;
using SysUpdate.Core.Planning;
using SysUpdate.Core.Targets;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Operations;

/// <summary>
/// <c>cleanup</c> and <c>--cleanup=yes</c>: removes files the install database recorded that no
/// current enabled transfer claims. Only ever called with definitions that were read successfully:
/// a loaded context, or a <see cref="NoDefinitionsException"/> (read, and empty). Never after a
/// source, transport, signature or device failure — those are other exception types and propagate.
/// </summary>
internal static class OrphanCleanup
{
    /// <summary>Cleans with the context's enabled file-system transfers as the owners.</summary>
    public static async Task<int> RunAsync(UpdateContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        string root = context.Options.Root;
        var owners = context.Transfers
            .Where(t => t.Definition.Target.Type.IsFileSystem())
            .Select(t => (WithoutRoot(root, t.Target.Location), (IReadOnlyList<MatchPattern>)t.Definition.Target.Patterns))
            .ToList();
        if (context.Locks is { } held)
            return await InstallDbCleanup.RunAsync(root, context.Component, owners, held, context.Logger, cancellationToken).ConfigureAwait(false);
        using var locks = await RunLockSet.AcquireAsync(LockDirectory(context.Options), [], context.Options.LockWait, cancellationToken).ConfigureAwait(false);
        return await InstallDbCleanup.RunAsync(root, context.Component, owners, locks, context.Logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cleans after <paramref name="noDefinitions"/>: the directories were read and no transfer
    /// claims anything, so every recorded file is an orphan.</summary>
    public static async Task<int> RunWithoutDefinitionsAsync(SysUpdateOptions options, NoDefinitionsException noDefinitions, ILogger logger,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(noDefinitions);
        using var locks = await RunLockSet.AcquireAsync(LockDirectory(options), [], options.LockWait, cancellationToken).ConfigureAwait(false);
        return await InstallDbCleanup.RunAsync(options.Root, noDefinitions.Component, [], locks, logger, cancellationToken).ConfigureAwait(false);
    }

    private static string LockDirectory(SysUpdateOptions options) => options.LockDirectory ?? RunLockDirectory.Default;

    private static string WithoutRoot(string root, string path) => root == "/" ? path : "/" + Path.GetRelativePath(root, path);
}
