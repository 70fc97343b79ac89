namespace SysUpdate.Core.Manifests;

/// <summary>A BEST-BEFORE marker in the manifest lies in the past (ESTALE).</summary>
internal sealed class StaleManifestException : SysUpdateException
{
    public StaleManifestException(string manifestSource, int line, DateOnly bestBefore, DateTimeOffset now)
        : base($"{manifestSource}:{line}: Best before marker indicates out-of-date file list, refusing " +
               $"({bestBefore:yyyy-MM-dd} 00:00 UTC < {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC); " +
               "set SYSTEMD_SYSUPDATE_VERIFY_FRESHNESS=0 to accept it anyway")
    {
        BestBefore = bestBefore;
        Errno = Errno.ESTALE;
    }

    public DateOnly BestBefore { get; }
}
