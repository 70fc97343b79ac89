using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SysUpdate.Core.Locking;

/// <summary>
/// One held run lock: an exclusive <c>flock(2)</c> on a lock file with the holder's pid written
/// inside. The kernel drops it when the process dies, so a killed run never leaves a stale lock.
/// </summary>
internal sealed class RunLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly SafeFileHandle _handle;

    private RunLock(RunLockKey key, SafeFileHandle handle)
    {
        Key = key;
        _handle = handle;
    }

    public RunLockKey Key { get; }

    /// <summary>
    /// Takes the lock of <paramref name="key"/>, waiting up to <paramref name="wait"/> while another
    /// process holds it.
    /// </summary>
    /// <exception cref="TargetBusyException">Still held by another process after the wait.</exception>
    public static async Task<RunLock> AcquireAsync(string directory, RunLockKey key, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(directory, key.FileName);
        var handle = LockInterop.OpenLockFile(path, out int openErrno)
            ?? throw new SysUpdateException($"{path}: cannot open the lock file: errno {openErrno}") { Errno = ErrnoNames.FromNumber(openErrno) };
        try
        {
            var deadline = DateTime.UtcNow + wait;
            while (!LockInterop.TryLockExclusive(handle, out int errno))
            {
                if (errno != LockInterop.EWOULDBLOCK)
                    throw new SysUpdateException($"{path}: flock() failed: errno {errno}") { Errno = ErrnoNames.FromNumber(errno) };
                if (DateTime.UtcNow >= deadline)
                    throw new TargetBusyException(key.Target, ReadHolder(path));
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            LockInterop.WriteAll(handle, Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
            return new RunLock(key, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The pid the holder wrote, if it has written one yet.</summary>
    public static int? ReadHolder(string path)
    {
        using var handle = LockInterop.OpenForReading(path);
        if (handle is null)
            return null;
        Span<byte> buffer = stackalloc byte[32];
        int n = LockInterop.Read(handle, buffer);
        return int.TryParse(Encoding.ASCII.GetString(buffer[..n]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    public void Dispose() => _handle.Dispose();
}
