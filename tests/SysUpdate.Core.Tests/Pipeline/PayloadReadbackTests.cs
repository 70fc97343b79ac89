using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Native;
using SysUpdate.Core.Pipeline;

namespace SysUpdate.Core.Tests.Pipeline;

/// <summary>Read-back against real files: written through <see cref="BoundedWriter"/> with its digest, then read past
/// the page cache. The mismatch cases change bytes on disk through the seam only tests pass in.</summary>
public sealed class PayloadReadbackTests : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-readback-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(string Path, WrittenRange Range, SegmentedDigest Digest)> WriteAsync(long offset, int length, int diskSize = 8 * MiB)
    {
        string path = Path.Combine(_dir, "disk.img");
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(diskSize));
        var digest = new SegmentedDigest();
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            await BoundedWriter.CopyAsync(new MemoryStream(RandomNumberGenerator.GetBytes(length)), handle, offset, diskSize / 2, path, sync: true,
                CancellationToken.None, digest: digest);
        }
        return (path, new WrittenRange(path, $"{path} (partition 2)", offset, length), digest);
    }

    private static ValueTask FlipByteAt(string path, long offset)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        byte[] one = new byte[1];
        RandomAccess.Read(handle, one, offset);
        one[0] ^= 0x01;
        RandomAccess.Write(handle, one, offset);
        RandomAccess.FlushToDisk(handle);
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData(MiB, (3 * MiB) + 1234)] // aligned start, unaligned tail
    [InlineData(512, MiB)]                // a start O_DIRECT can only reach through an aligned window
    [InlineData(0, 1)]
    public async Task VerifyAsync_UnchangedBytes_Passes(long offset, int length)
    {
        var (_, range, digest) = await WriteAsync(offset, length);
        var lines = new List<string>();

        var mode = await new PayloadReadback(lines.Add).VerifyAsync(range, digest);

        string line = Assert.Single(lines);
        Assert.Contains(range.Name, line, StringComparison.Ordinal);
        Assert.Contains(mode == ReadbackMode.Direct ? "with O_DIRECT" : "after dropping them from the page cache", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MiB + 17)]
    [InlineData((3 * MiB) + 1233)] // the last byte written
    public async Task VerifyAsync_ByteFlippedOnDisk_NamesTheDeviceAndTheSegment(long flipAt)
    {
        var (path, range, digest) = await WriteAsync(MiB, (3 * MiB) + 1234);
        var readback = new PayloadReadback(beforeRead: (r, _) => FlipByteAt(r.Device, r.Offset + flipAt));

        var error = await Assert.ThrowsAsync<ReadbackMismatchException>(() => readback.VerifyAsync(range, digest));

        long segmentStart = MiB + (flipAt / SegmentedDigest.DefaultSegmentSize * SegmentedDigest.DefaultSegmentSize);
        Assert.Equal(segmentStart, error.Start);
        Assert.Equal(Math.Min(segmentStart + SegmentedDigest.DefaultSegmentSize, MiB + (3 * MiB) + 1234), error.End);
        Assert.Equal(path, error.Range.Device);
        Assert.StartsWith($"{range.Name}: read-back of bytes {error.Start}..{error.End - 1} of {path}", error.Message, StringComparison.Ordinal);
    }

    private const int SeveralWindows = (25 * MiB) + 4097;

    [Fact]
    public async Task VerifyAsync_RangeOfSeveralReadWindows_Unchanged_Passes()
    {
        var (_, range, digest) = await WriteAsync(MiB, SeveralWindows, diskSize: 64 * MiB);

        var lines = new List<string>();

        await new PayloadReadback(lines.Add).VerifyAsync(range, digest);

        Assert.Contains($"read back {SeveralWindows} bytes", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData((9 * MiB) + 5)]     // in the third read window, after both buffers were used once
    [InlineData((25 * MiB) + 100)]  // in the last, short window
    public async Task VerifyAsync_RangeOfSeveralReadWindows_FindsTheFlippedSegment(long flipAt)
    {
        var (_, range, digest) = await WriteAsync(MiB, SeveralWindows, diskSize: 64 * MiB);
        var readback = new PayloadReadback(beforeRead: (r, _) => FlipByteAt(r.Device, r.Offset + flipAt));

        var error = await Assert.ThrowsAsync<ReadbackMismatchException>(() => readback.VerifyAsync(range, digest));

        long segmentStart = MiB + (flipAt / MiB * MiB);
        Assert.Equal(segmentStart, error.Start);
        Assert.Equal(Math.Min(segmentStart + MiB, MiB + SeveralWindows), error.End);
    }

    [Fact]
    public async Task VerifyAsync_DeviceShorterThanWritten_Fails()
    {
        var (path, range, digest) = await WriteAsync(MiB, 2 * MiB);
        var readback = new PayloadReadback(beforeRead: (r, _) =>
        {
            using var handle = File.OpenHandle(r.Device, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.SetLength(handle, (2 * MiB) + 5);
            return ValueTask.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<ReadbackMismatchException>(() => readback.VerifyAsync(range, digest));
        Assert.Equal(2 * MiB, error.Start);
        Assert.Equal(path, error.Range.Device);
    }

    [Fact]
    public async Task VerifyAsync_Fifo_RefusedWithoutBlocking()
    {
        string fifo = Path.Combine(_dir, "fifo");
        Assert.Equal(0, Mkfifo(fifo));
        var digest = new SegmentedDigest();
        digest.Append(new byte[10]);
        digest.Complete();

        var error = await Assert.ThrowsAsync<UnexpectedFileKindException>(
            () => new PayloadReadback().VerifyAsync(new WrittenRange(fifo, fifo, 0, 10), digest));
        Assert.Equal(FileKind.Fifo, error.Found);
    }

    internal static int Mkfifo(string path)
    {
        using var process = System.Diagnostics.Process.Start("mkfifo", [path]);
        process.WaitForExit();
        return process.ExitCode;
    }
}
