namespace SysUpdate.Benchmarks;

/// <summary>
/// Deterministic image-like payloads: 64 KiB blocks, 40 % random, 20 % zeros, 40 % low-entropy text
/// (16 letters), so zstd has something to do (about 0.6 of the size) without the data being trivial.
/// </summary>
internal static class PayloadGenerator
{
    private const int Block = 64 * 1024;
    private const int Chunk = 4 * 1024 * 1024;

    public static void Write(string path, long size, int seed)
    {
        var random = new Random(seed);
        byte[] chunk = new byte[Chunk];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (long done = 0; done < size;)
        {
            int length = (int)Math.Min(Chunk, size - done);
            Fill(random, chunk.AsSpan(0, length));
            file.Write(chunk, 0, length);
            done += length;
        }
    }

    /// <summary>Fills <paramref name="buffer"/> with the same mix of blocks.</summary>
    public static void Fill(Random random, Span<byte> buffer)
    {
        for (int offset = 0; offset < buffer.Length; offset += Block)
        {
            var block = buffer.Slice(offset, Math.Min(Block, buffer.Length - offset));
            int kind = random.Next(10);
            if (kind < 2)
            {
                block.Clear();
                continue;
            }
            random.NextBytes(block);
            if (kind >= 6)
            {
                for (int i = 0; i < block.Length; i++)
                    block[i] = (byte)('a' + (block[i] & 0x0F));
            }
        }
    }
}
