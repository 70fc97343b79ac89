using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Cli.Varlink.Authorization;

/// <summary>polkit's <c>unix-process</c> subject: the calling process by pid and start time, and its uid.</summary>
internal readonly record struct PolkitSubject(uint ProcessId, ulong StartTime, int UserId)
{
    /// <summary>
    /// The subject for the process behind a connection, its start time checked against the pidfd
    /// taken at accept time (<see cref="VarlinkPeerProcess.TryReadStartTime"/>). <see langword="null"/>
    /// when there is no pidfd, the process has gone, or its /proc entry cannot be read.
    /// </summary>
    public static PolkitSubject? TryFromPeer(VarlinkPeerCredentials credentials, VarlinkPeerProcess? process)
    {
        if (process is null || process.ProcessId != credentials.ProcessId || credentials.ProcessId <= 0)
            return null;
        if (process.TryReadStartTime() is not { } startTime)
            return null;
        return new PolkitSubject((uint)credentials.ProcessId, startTime, (int)credentials.UserId);
    }
}
