namespace SysUpdate.Integration.Tests.Support;

/// <summary>What a <see cref="DeltaRelease"/> does to one chunk of its store that only v2 has.</summary>
internal enum ChunkCorruption
{
    None,

    /// <summary>One byte of the chunk file flipped: the compressed stream is broken (or decodes to wrong bytes).</summary>
    FlippedByte,

    /// <summary>The chunk decompressed, one byte of its content flipped, compressed again with the same
    /// codec: a well-formed chunk file whose content does not match its ID.</summary>
    WrongContent,
}
