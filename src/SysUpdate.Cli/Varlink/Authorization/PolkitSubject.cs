using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Cli.Varlink.Authorization;

/// <summary>polkit's <c>unix-process</c> subject: the calling process by pid and start time, and its uid.</summary>
internal readonly record struct PolkitSubject(uint ProcessId, ulong StartTime, int UserId)
{
    /// <summary>
    /// The subject for the process behind a connection. The start time is read by pid, so it is
    /// trusted only if the pidfd taken at accept time still names a live process afterwards: then
    /// the pid cannot have been handed to another process in between. <see langword="null"/> when
    /// there is no pidfd, the process has gone, or its /proc entry cannot be read.
    /// </summary>
    public static PolkitSubject? TryFromPeer(VarlinkPeerCredentials credentials, VarlinkPeerProcess? process)
    {
        if (process is null || process.ProcessId != credentials.ProcessId || credentials.ProcessId <= 0)
            return null;
        if (ProcessStartTime.TryRead(credentials.ProcessId) is not { } startTime)
            return null;
        if (!process.IsAlive())
            return null;
        return new PolkitSubject((uint)credentials.ProcessId, startTime, (int)credentials.UserId);
    }
}
