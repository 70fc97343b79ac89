namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// Two versions of a random-like (incompressible) image: v2 is v1 with every byte of a few contiguous
/// regions changed, the regions adding up to a given share of the image and each at least
/// <c>minRegion</c> long, the way a release changes a few files of a file system (scattered 4 KiB
/// changes would touch most of casync's 16/64/256 KiB chunks). Deterministic for a seed; streamed, so
/// a 1 GiB pair needs no more than a 4 MiB buffer.
/// </summary>
internal static class DeltaImages
{
    public const long DefaultMinRegion = 256 * 1024;
    private const int Alignment = 4096;
    private const int BufferSize = 4 * 1024 * 1024;

    /// <summary>Writes both images; returns the regions where they differ, in order, none overlapping.</summary>
    public static IReadOnlyList<ChangedRegion> Write(string v1Path, string v2Path, long size, int seed,
        double changedFraction = 0.05, long minRegion = DefaultMinRegion)
    {
        var regions = PlanRegions(size, changedFraction, minRegion, seed);
        var content = new Random(seed);
        var change = new Random(unchecked(seed * 31 + 7));
        byte[] buffer = new byte[BufferSize];
        using var v1 = new FileStream(v1Path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        using var v2 = new FileStream(v2Path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        int next = 0;
        for (long offset = 0; offset < size; offset += BufferSize)
        {
            var block = buffer.AsSpan(0, (int)Math.Min(BufferSize, size - offset));
            content.NextBytes(block);
            v1.Write(block);
            long blockEnd = offset + block.Length;
            while (next < regions.Count && regions[next].End <= offset)
                next++;
            for (int r = next; r < regions.Count && regions[r].Offset < blockEnd; r++)
            {
                long from = Math.Max(regions[r].Offset, offset);
                long to = Math.Min(regions[r].End, blockEnd);
                Flip(block[(int)(from - offset)..(int)(to - offset)], change);
            }
            v2.Write(block);
        }
        return regions;
    }

    /// <summary>XORs every byte with a non-zero random value, so every byte changes.</summary>
    private static void Flip(Span<byte> bytes, Random change)
    {
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] ^= (byte)(1 + change.Next(255));
    }

    /// <summary>
    /// Regions of random lengths between <paramref name="minRegion"/> and four times that (4 KiB aligned)
    /// adding up to the share, placed at random gaps. Two regions may touch; together they are one
    /// longer region.
    /// </summary>
    public static IReadOnlyList<ChangedRegion> PlanRegions(long size, double changedFraction, long minRegion, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minRegion);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, minRegion);
        var random = new Random(seed);
        long target = Math.Max(minRegion, (long)(size * changedFraction));
        var lengths = new List<long>();
        long total = 0;
        while (total < target)
        {
            long length = Align(minRegion + random.NextInt64(3 * minRegion + 1));
            length = Math.Max(minRegion, Math.Min(length, target - total));
            if (target - total - length is > 0 and var rest && rest < minRegion)
                length += rest; // no tail shorter than the minimum
            lengths.Add(length);
            total += length;
        }
        long free = size - total;
        var cuts = Enumerable.Range(0, lengths.Count).Select(_ => Align(random.NextInt64(free + 1))).Order().ToList();
        var regions = new List<ChangedRegion>(lengths.Count);
        long before = 0;
        for (int i = 0; i < lengths.Count; i++)
        {
            regions.Add(new ChangedRegion(Math.Min(cuts[i], free) + before, lengths[i]));
            before += lengths[i];
        }
        return regions;
    }

    private static long Align(long value) => value / Alignment * Alignment;
}
