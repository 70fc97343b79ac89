using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression.Xz;

/// <summary>
/// One block's header, decoded and checked (CRC32, filter chain) by liblzma, in native memory where the block decoder
/// that <see cref="StartDecoder"/> sets up keeps pointing at it until the block ends: the decoder checks the sizes the
/// header declares and writes the actual ones back.
/// </summary>
internal sealed unsafe class XzBlockHeader : IDisposable
{
    private LzmaBlockNative* _block;
    private LzmaFilterNative* _filters;

    private XzBlockHeader()
    {
        _block = (LzmaBlockNative*)NativeMemory.AllocZeroed((nuint)sizeof(LzmaBlockNative));
        _filters = (LzmaFilterNative*)NativeMemory.AllocZeroed((nuint)(sizeof(LzmaFilterNative) * (Liblzma.FiltersMax + 1)));
    }

    /// <summary>Decodes the <paramref name="header"/> bytes (its first byte gives its size) of a block in a stream
    /// whose integrity check is <paramref name="check"/>.</summary>
    /// <exception cref="CompressedDataException">The header is corrupt or names filters liblzma does not have.</exception>
    public static XzBlockHeader Decode(ReadOnlySpan<byte> header, int check)
    {
        var decoded = new XzBlockHeader();
        try
        {
            decoded._block->Version = 1;
            decoded._block->HeaderSize = (uint)header.Length;
            decoded._block->Check = check;
            decoded._block->Filters = (nint)decoded._filters;
            int rc;
            fixed (byte* bytes = header)
                rc = Liblzma.lzma_block_header_decode(decoded._block, 0, bytes);
            if (rc != Liblzma.Ok)
                throw new CompressedDataException(CompressionFormat.Xz, "block header: " + Liblzma.Describe(rc));
            return decoded;
        }
        catch
        {
            decoded.Dispose();
            throw;
        }
    }

    public int Size => (int)_block->HeaderSize;

    /// <summary>The decoded size the header declares, if it does; known in any case once <see cref="StartDecoder"/>'s
    /// decoder has ended (it writes the actual size back).</summary>
    public long? UncompressedSize => Known(_block->UncompressedSize);

    /// <summary>The bytes after the header that belong to the block (compressed data, padding, check), if the header
    /// declares the compressed size; null otherwise or if that size cannot be a block's.</summary>
    public long? DataLength
    {
        get
        {
            ulong unpadded = Liblzma.lzma_block_unpadded_size(_block);
            if (unpadded == 0 || unpadded == Liblzma.VliUnknown)
                return null;
            return (long)(((unpadded + 3) & ~3UL) - _block->HeaderSize);
        }
    }

    /// <summary>Header, compressed data and check, as the stream's index records the block: known once the header
    /// declares the compressed size, or once <see cref="StartDecoder"/>'s decoder has ended.</summary>
    public ulong UnpaddedSize => Liblzma.lzma_block_unpadded_size(_block);

    /// <summary>What the decoder of this block's filter chain allocates (its dictionary, mostly); 0 once started.</summary>
    public ulong DecoderMemory => _filters->Id == Liblzma.VliUnknown ? 0 : Liblzma.lzma_raw_decoder_memusage(_filters);

    /// <summary>Sets <paramref name="stream"/> up to decode this block's data (what follows the header); the header
    /// must outlive that decoding. The filter options go: the decoder keeps its own copy.</summary>
    public void StartDecoder(LzmaStreamNative* stream)
    {
        int rc = Liblzma.lzma_block_decoder(stream, _block);
        FreeFilterOptions();
        if (rc != Liblzma.Ok)
            throw new CompressedDataException(CompressionFormat.Xz, "block: " + Liblzma.Describe(rc));
    }

    private static long? Known(ulong vli) => vli == Liblzma.VliUnknown ? null : (long)vli;

    private void FreeFilterOptions()
    {
        for (int i = 0; i <= Liblzma.FiltersMax && _filters[i].Id != Liblzma.VliUnknown; i++)
        {
            NativeMemory.Free((void*)_filters[i].Options); // liblzma allocated them with malloc (no custom allocator)
            _filters[i].Options = 0;
        }
        _filters->Id = Liblzma.VliUnknown;
    }

    public void Dispose()
    {
        if (_block is null)
            return;
        FreeFilterOptions();
        NativeMemory.Free(_filters);
        NativeMemory.Free(_block);
        _filters = null;
        _block = null;
    }
}
