using SysUpdate.Core.Compression;
using SysUpdate.Core.Pipeline;
using SysUpdate.Core.Targets;
using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Sources;

/// <summary>Which failures of a payload download are the server's, so that the next mirror may do better.</summary>
internal static class MirrorFaults
{
    /// <summary>
    /// True for a failed or refused fetch (connection, any HTTP error status, timeout, cut-off body), and for bytes that
    /// are not the published ones (SHA-256 mismatch, a compressed stream or tar archive that does not decode — both are
    /// unverified bytes from that server). False for everything local: a full or refusing target, a read-back mismatch,
    /// cancellation, bugs.
    /// </summary>
    public static bool IsServerFault(Exception exception) => exception switch
    {
        TransportException or HashMismatchException or CompressedDataException or TarArchiveException => true,
        // A raw download cut off midway is reported with how much was kept for resuming; the cause is the transport's.
        SysUpdateException { InnerException: TransportException } => true,
        _ => false,
    };
}
