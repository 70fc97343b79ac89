using SysUpdate.Core.Pipeline;

namespace SysUpdate.Core.Targets;

/// <summary>
/// Verify before exposing: a tar payload is unpacked into a directory only root can traverse, with
/// privileges held back; only when the published bytes match their SHA-256 is the tree given its
/// setuid bits, capabilities, device permissions and final modes. On any failure — a hash mismatch,
/// a refused archive, a cancelled or broken download — the whole partial tree is removed, so nothing
/// of an unverified payload stays reachable.
/// </summary>
internal static class VerifiedTarExtraction
{
    public static async Task RunAsync(PayloadReader reader, string partial, string origin, TarLimits limits, CancellationToken cancellationToken)
    {
        try
        {
            var tree = await TarExtractor.ExtractAsync(reader.Decoded, partial, origin, limits, cancellationToken).ConfigureAwait(false);
            await reader.VerifyAsync(cancellationToken).ConfigureAwait(false);
            tree.Expose();
        }
        catch
        {
            RemoveUnverified(partial);
            throw;
        }
    }

    private static void RemoveUnverified(string partial)
    {
        try
        {
            FileSystemTarget.RemoveTree(partial);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Still mode 0700: unreachable for other users; the next run's vacuum removes it.
        }
    }
}
