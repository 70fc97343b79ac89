using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Disk;

namespace SysUpdate.Core.Tests.Disk;

/// <summary>
/// <see cref="ZeroFiller"/> on real files and loop devices: the range reads as zeroes afterwards, every byte outside it
/// keeps its 0xAA, and the outcome says how it was done (BLKZEROOUT for the sector-aligned part on a block device with
/// the sub-sector head written; fallocate on image files; a hole punch where ZERO_RANGE is not offered).
/// </summary>
public sealed class ZeroFillerTests : IDisposable
{
    private const byte Fill = 0xAA;
    private const int ImageBytes = 1024 * 1024;

    private readonly string _dir = DiskTestSupport.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ZeroAsync_ImageFile_ZeroesExactlyTheRange()
    {
        string image = FilledImage(_dir);
        var outcome = await ZeroAsync(image, 3000, 200_000);

        AssertZeroedExactly(image, 3000, 200_000);
        Assert.Equal(200_000, outcome.OffloadedBytes + outcome.WrittenBytes);
        Assert.Equal(outcome.Offload == ZeroFillOffload.None ? 0 : 200_000, outcome.OffloadedBytes);
        Assert.NotEqual(ZeroFillOffload.BlockDeviceZeroOut, outcome.Offload);
    }

    [TmpfsShmFact]
    public async Task ZeroAsync_FileOnTmpfs_FallsBackToPunchingAHole()
    {
        string dir = Directory.CreateDirectory(Path.Combine(TmpfsShmFactAttribute.Directory, $"sysupdate-zerofill-{Guid.NewGuid():N}")).FullName;
        try
        {
            string image = FilledImage(dir);
            var outcome = await ZeroAsync(image, 777, 100_000);

            AssertZeroedExactly(image, 777, 100_000);
            Assert.Equal(new ZeroFillOutcome(ZeroFillOffload.FallocatePunchHole, 100_000, 0), outcome);
            Assert.Equal(ImageBytes, new FileInfo(image).Length); // KEEP_SIZE
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ZeroAsync_EmptyRange_TouchesNothing()
    {
        string image = FilledImage(_dir);
        var outcome = await ZeroAsync(image, 4096, 0);

        Assert.Equal(new ZeroFillOutcome(ZeroFillOffload.None, 0, 0), outcome);
        Assert.All(File.ReadAllBytes(image), b => Assert.Equal(Fill, b));
    }

    [LoopTheory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task ZeroAsync_LoopDevice_OffloadsAlignedPartAndWritesTheHead(int sectorSize)
    {
        string image = FilledImage(_dir);
        string loop = DiskTestSupport.AttachLoop(image, sectorSize);
        try
        {
            // A payload of 3000 bytes in a 64-sector slot at sector 64: the head up to the next sector boundary is
            // written, the rest of the slot goes to BLKZEROOUT.
            long slotStart = 64L * sectorSize, slotEnd = slotStart + (64L * sectorSize);
            long from = slotStart + 3000;
            long head = sectorSize - (3000 % sectorSize);
            var outcome = await ZeroAsync(loop, from, slotEnd - from);

            Assert.Equal(new ZeroFillOutcome(ZeroFillOffload.BlockDeviceZeroOut, slotEnd - from - head, head), outcome);
            AssertZeroedExactly(loop, from, slotEnd - from);
        }
        finally
        {
            DiskTestSupport.DetachLoop(loop);
        }
        AssertZeroedExactly(image, 64L * sectorSize + 3000, (64L * sectorSize) - 3000);
    }

    [LoopTheory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task ZeroAsync_LoopDeviceRemainderSmallerThanASector_WritesItWithoutOffload(int sectorSize)
    {
        string image = FilledImage(_dir);
        string loop = DiskTestSupport.AttachLoop(image, sectorSize);
        try
        {
            long slotEnd = 128L * sectorSize;
            var outcome = await ZeroAsync(loop, slotEnd - 100, 100);

            Assert.Equal(new ZeroFillOutcome(ZeroFillOffload.None, 0, 100), outcome);
            AssertZeroedExactly(loop, slotEnd - 100, 100);
        }
        finally
        {
            DiskTestSupport.DetachLoop(loop);
        }
    }

    [LoopTheory]
    [InlineData(512)]
    [InlineData(4096)]
    public async Task ZeroAsync_LoopDeviceAlignedRange_IsOffloadedWhole(int sectorSize)
    {
        string image = FilledImage(_dir);
        string loop = DiskTestSupport.AttachLoop(image, sectorSize);
        try
        {
            var outcome = await ZeroAsync(loop, 8L * sectorSize, 16L * sectorSize);

            Assert.Equal(new ZeroFillOutcome(ZeroFillOffload.BlockDeviceZeroOut, 16L * sectorSize, 0), outcome);
            AssertZeroedExactly(loop, 8L * sectorSize, 16L * sectorSize);
        }
        finally
        {
            DiskTestSupport.DetachLoop(loop);
        }
    }

    [Fact]
    public async Task ZeroAsync_Cancelled_ThrowsBeforeTouchingAnything()
    {
        string image = FilledImage(_dir);
        using var handle = File.OpenHandle(image, FileMode.Open, FileAccess.ReadWrite);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ZeroFiller.ZeroAsync(handle, 0, 4096, image, new CancellationToken(canceled: true)));
        Assert.All(File.ReadAllBytes(image), b => Assert.Equal(Fill, b));
    }

    private static async Task<ZeroFillOutcome> ZeroAsync(string path, long offset, long length)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var outcome = await ZeroFiller.ZeroAsync(handle, offset, length, path);
        RandomAccess.FlushToDisk(handle);
        return outcome;
    }

    private static string FilledImage(string dir)
    {
        string image = Path.Combine(dir, "disk.img");
        byte[] bytes = new byte[ImageBytes];
        Array.Fill(bytes, Fill);
        File.WriteAllBytes(image, bytes);
        return image;
    }

    private static void AssertZeroedExactly(string path, long offset, long length)
    {
        byte[] all = new byte[ImageBytes];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1))
            stream.ReadExactly(all);
        for (long i = 0; i < all.LongLength; i++)
        {
            byte expected = i >= offset && i < offset + length ? (byte)0 : Fill;
            if (all[i] != expected)
                Assert.Fail($"{path}: byte {i} is 0x{all[i]:x2}, expected 0x{expected:x2} (zeroed range {offset}..{offset + length})");
        }
    }
}
