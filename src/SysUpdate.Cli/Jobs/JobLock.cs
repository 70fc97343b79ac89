using Microsoft.Win32.SafeHandles;
using SysUpdate.Core;
using SysUpdate.Core.Locking;

namespace SysUpdate.Cli.Jobs;

/// <summary>
/// An exclusive <c>flock(2)</c> on a file of the job store. The runner of a job holds its
/// <c>ID.lock</c> for the job's life; the kernel drops it when that process dies, so a reader that can
/// take it knows the runner is gone. Files are opened with plain <c>open(2)</c>: the BCL's own
/// <c>flock</c> on open would fight these.
/// </summary>
internal sealed class JobLock : IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(5);

    private readonly SafeFileHandle _handle;

    private JobLock(SafeFileHandle handle) => _handle = handle;

    public SafeFileHandle Handle => _handle;

    /// <summary>Takes the lock of <paramref name="path"/> (creating the file), waiting while another holder has it.</summary>
    public static async Task<JobLock> AcquireAsync(string path, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryAcquire(path) is { } taken)
                return taken;
            await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the lock of <paramref name="path"/> if no one holds it; null when someone does.</summary>
    /// <exception cref="SysUpdateException">The file cannot be opened or locked.</exception>
    public static JobLock? TryAcquire(string path)
    {
        var handle = LockInterop.OpenLockFile(path, out int openErrno)
            ?? throw new SysUpdateException($"{path}: cannot open the job lock file: errno {openErrno}") { Errno = ErrnoNames.FromNumber(openErrno) };
        if (LockInterop.TryLockExclusive(handle, out int errno))
            return new JobLock(handle);
        handle.Dispose();
        if (errno != LockInterop.EWOULDBLOCK)
            throw new SysUpdateException($"{path}: flock() failed: errno {errno}") { Errno = ErrnoNames.FromNumber(errno) };
        return null;
    }

    public void Dispose() => _handle.Dispose();
}
