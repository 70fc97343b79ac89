using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Native;
using SysUpdate.Core.Pipeline;

namespace SysUpdate.Core.Tests.Pipeline;

public sealed class BoundedWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sysupdate-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [DirectIoTheory]
    [InlineData(0)]
    [InlineData(1024 * 1024)]
    [InlineData(512)] // an offset O_DIRECT cannot use: everything goes buffered
    public async Task CopyAsync_WithDirectHandle_WritesExactlyThePayloadAtTheOffset(long offset)
    {
        string path = Path.Combine(_dir, "disk.img");
        byte[] before = RandomNumberGenerator.GetBytes(6 * 1024 * 1024);
        File.WriteAllBytes(path, before);
        using SafeFileHandle? direct = DirectIoTheoryAttribute.OpenDirect(path);
        Assert.NotNull(direct); // the attribute's probe found O_DIRECT usable on this file system

        await CopyAndAssertAsync(path, before, offset, direct);
    }

    [DirectIoTheory]
    [InlineData((3 * 1024 * 1024) + 123)] // whole chunks direct, the unaligned tail buffered
    public async Task TryOpenDirect_WritesTheOpenFile_EvenOnceItsPathNamesAnother(int length)
    {
        string path = Path.Combine(_dir, "payload.partial");
        string moved = Path.Combine(_dir, "moved");
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        File.Move(path, moved);
        File.WriteAllBytes(path, []);
        byte[] payload = RandomNumberGenerator.GetBytes(length);

        using (var direct = BoundedWriter.TryOpenDirect(handle))
        {
            Assert.NotNull(direct); // the attribute's probe found O_DIRECT usable on this file system
            await BoundedWriter.CopyAsync(new MemoryStream(payload), handle, 0, null, path, sync: true, CancellationToken.None, direct);
        }

        Assert.Equal(payload, File.ReadAllBytes(moved));
        Assert.Empty(File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1024 * 1024)]
    public async Task CopyAsync_Buffered_WritesExactlyThePayloadAtTheOffset(long offset)
    {
        string path = Path.Combine(_dir, "disk.img");
        byte[] before = RandomNumberGenerator.GetBytes(6 * 1024 * 1024);
        File.WriteAllBytes(path, before);

        await CopyAndAssertAsync(path, before, offset, direct: null);
    }

    private static async Task CopyAndAssertAsync(string path, byte[] before, long offset, SafeFileHandle? direct)
    {
        byte[] payload = RandomNumberGenerator.GetBytes((3 * 1024 * 1024) + 1234); // unaligned tail

        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            long written = await BoundedWriter.CopyAsync(new MemoryStream(payload), handle, offset, 4 * 1024 * 1024, path, sync: true,
                CancellationToken.None, direct);
            Assert.Equal(payload.Length, written);
        }

        byte[] after = File.ReadAllBytes(path);
        Assert.Equal(before.Length, after.Length);
        Assert.True(after.AsSpan((int)offset, payload.Length).SequenceEqual(payload));
        Assert.True(after.AsSpan(0, (int)offset).SequenceEqual(before.AsSpan(0, (int)offset)));
        int end = (int)offset + payload.Length;
        Assert.True(after.AsSpan(end).SequenceEqual(before.AsSpan(end)));
    }

    [Fact]
    public async Task CopyAsync_PayloadLargerThanLimit_RefusesWithoutWritingPastIt()
    {
        string path = Path.Combine(_dir, "disk.img");
        File.WriteAllBytes(path, new byte[4 * 1024 * 1024]);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);

        byte[] payload = new byte[(2 * 1024 * 1024) + 1];
        Array.Fill(payload, (byte)0xAB);

        var ex = await Assert.ThrowsAsync<SysUpdateException>(() => BoundedWriter.CopyAsync(
            new MemoryStream(payload), handle, 0, 2 * 1024 * 1024, "slot", sync: false, CancellationToken.None));

        Assert.Equal(Errno.EFBIG, ex.Errno);
        Assert.Equal(-1, File.ReadAllBytes(path).AsSpan(2 * 1024 * 1024).IndexOfAnyExcept((byte)0)); // nothing past the limit
    }
}
