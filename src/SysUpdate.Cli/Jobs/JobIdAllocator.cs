using System.Globalization;
using System.Text;
using SysUpdate.Core.Locking;

namespace SysUpdate.Cli.Jobs;

/// <summary>
/// Hands out job ids unique across every process using one store: a counter in the store's
/// <c>next-id</c> file, read and advanced under an exclusive <c>flock</c> on that file.
/// </summary>
internal sealed class JobIdAllocator(string directory)
{
    public const string FileName = "next-id";

    public async Task<long> NextAsync(CancellationToken cancellationToken = default)
    {
        using var held = await JobLock.AcquireAsync(Path.Combine(directory, FileName), cancellationToken).ConfigureAwait(false);
        Span<byte> buffer = stackalloc byte[32];
        int n = LockInterop.Read(held.Handle, buffer);
        long id = long.TryParse(Encoding.ASCII.GetString(buffer[..n]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long stored) && stored > 0
            ? stored
            : 1;
        WriteAll(held, Encoding.ASCII.GetBytes((id + 1).ToString(CultureInfo.InvariantCulture) + "\n"));
        return id;
    }

    private static void WriteAll(JobLock held, byte[] bytes)
    {
        // Unlike the run lock's pid, a lost counter would hand an id out twice: write errors surface.
        RandomAccess.SetLength(held.Handle, 0);
        RandomAccess.Write(held.Handle, bytes, 0);
    }
}
