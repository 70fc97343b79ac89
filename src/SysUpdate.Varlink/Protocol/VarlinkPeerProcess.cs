using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Varlink.Protocol;

/// <summary>
/// A pidfd for the process on the other end of a Unix socket, taken when the connection is accepted:
/// SO_PEERPIDFD (Linux 6.5+) names the very process that connected; older kernels fall back to
/// pidfd_open(2) on the SO_PEERCRED pid at once. Whatever is later read about the peer by pid (its
/// start time in /proc) belongs to it only if <see cref="IsAlive"/> still holds afterwards: a pid is
/// not reused while a pidfd's process lives. Owned by the transport and closed with it.
/// </summary>
internal sealed partial class VarlinkPeerProcess : IDisposable
{
    private const int SolSocket = 1;
    private const int SoPeerPidFd = 77;

    // The generic syscall table: the same numbers on x86-64 and arm64.
    private const long SysPidFdSendSignal = 424;
    private const long SysPidFdOpen = 434;
    private const int Esrch = 3;

    private readonly SafeFileHandle _pidfd;

    private VarlinkPeerProcess(SafeFileHandle pidfd, int processId)
    {
        _pidfd = pidfd;
        ProcessId = processId;
    }

    /// <summary>The peer's pid as SO_PEERCRED reported it.</summary>
    public int ProcessId { get; }

    /// <summary>A pidfd for the peer of <paramref name="socket"/>; <see langword="null"/> when the peer is
    /// already gone or the kernel has no pidfds.</summary>
    public static VarlinkPeerProcess? TryOpen(Socket socket, VarlinkPeerCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var pidfd = TryPeerPidFd(socket) ?? TryPidFdOpen(credentials.ProcessId);
        return pidfd is null ? null : new VarlinkPeerProcess(pidfd, credentials.ProcessId);
    }

    /// <summary>The process still exists (it may be a zombie, whose pid is not reused either). A signal
    /// the server may not send (EPERM) still proves it exists; only ESRCH says it has gone.</summary>
    public bool IsAlive()
    {
        bool added = false;
        try
        {
            _pidfd.DangerousAddRef(ref added);
            long rc = Syscall(SysPidFdSendSignal, _pidfd.DangerousGetHandle(), 0, 0, 0);
            return rc == 0 || Marshal.GetLastPInvokeError() != Esrch;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (added)
                _pidfd.DangerousRelease();
        }
    }

    /// <summary>The peer's start time (clock ticks since boot, from /proc/PID/stat), read by pid and
    /// trusted because the pidfd still names a live process afterwards: the pid was not reused in
    /// between. <see langword="null"/> when the process has gone or /proc hides it.</summary>
    public ulong? TryReadStartTime() =>
        ProcessStartTime.TryRead(ProcessId) is { } startTime && IsAlive() ? startTime : null;

    public void Dispose() => _pidfd.Dispose();

    private static SafeFileHandle? TryPeerPidFd(Socket socket)
    {
        Span<byte> value = stackalloc byte[sizeof(int)];
        try
        {
            int length = socket.GetRawSocketOption(SolSocket, SoPeerPidFd, value);
            return length == sizeof(int) ? new SafeFileHandle(MemoryMarshal.Read<int>(value), ownsHandle: true) : null;
        }
        catch (SocketException)
        {
            // ENOPROTOOPT before Linux 6.5, ESRCH when the peer has exited.
            return null;
        }
    }

    private static SafeFileHandle? TryPidFdOpen(int pid)
    {
        if (pid <= 0)
            return null;
        long fd = Syscall(SysPidFdOpen, pid, 0, 0, 0);
        return fd < 0 ? null : new SafeFileHandle((nint)fd, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, nint arg1, nint arg2, nint arg3, nint arg4);
}
