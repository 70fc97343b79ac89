using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Delta;

/// <summary>
/// The chunks of a new image that local seeds already hold: each seed is cut with the index's own chunker
/// (casync's buzhash with the index's min/avg/max), each piece of a length the index has hashed with the index's
/// digest, and the pieces the index needs are remembered by ID with an XxHash3 of their bytes. The catalog only says
/// where to look: the bytes are read again when they are copied and must still have that XxHash3, so a seed that
/// changed since never passes a wrong chunk on (the digest is not computed twice).
/// </summary>
internal sealed class SeedCatalog : IDisposable
{
    private readonly Dictionary<ChunkId, SeedChunk> _chunks;
    private readonly List<SafeFileHandle> _handles;

    private SeedCatalog(Dictionary<ChunkId, SeedChunk> chunks, List<SafeFileHandle> handles)
    {
        _chunks = chunks;
        _handles = handles;
    }

    public static SeedCatalog Empty => new([], []);

    /// <summary>Distinct chunks of the index found in the seeds.</summary>
    public int Count => _chunks.Count;

    /// <summary>Scans the seeds. One that cannot be opened or read is skipped with a line to <paramref name="log"/>:
    /// a seed only saves bytes.</summary>
    public static async Task<SeedCatalog> BuildAsync(IEnumerable<ChunkSeed> seeds, ChunkIndex index, Action<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(index);
        var needed = new HashSet<ChunkId>(index.Chunks.Select(c => c.Id));
        var lengths = new HashSet<int>(index.Chunks.Select(c => c.Length));
        var chunks = new Dictionary<ChunkId, SeedChunk>();
        var handles = new List<SafeFileHandle>();
        try
        {
            foreach (var seed in seeds)
            {
                if (chunks.Count == needed.Count)
                    break;
                SafeFileHandle handle;
                try
                {
                    handle = LibC.OpenExpecting(seed.Path, Tmds.Linux.LibC.O_RDONLY, FileKind.Regular | FileKind.BlockDevice);
                }
                catch (SysUpdateException ex)
                {
                    log?.Invoke($"{seed.Name}: not used as a delta seed: {ex.Message}");
                    continue;
                }
                handles.Add(handle);
                IReadOnlyList<SeedPiece> pieces;
                try
                {
                    pieces = await SeedChunker.ScanAsync(handle, seed.Offset, seed.Length, index, lengths, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    log?.Invoke($"{seed.Name}: not used as a delta seed: {ex.Message}");
                    continue;
                }
                foreach (var piece in pieces)
                {
                    if (needed.Contains(piece.Entry.Id))
                        chunks.TryAdd(piece.Entry.Id, new SeedChunk(handle, piece.Entry.Offset, piece.Entry.Length, piece.Check, seed.Name));
                }
            }
        }
        catch
        {
            handles.ForEach(h => h.Dispose());
            throw;
        }
        return new SeedCatalog(chunks, handles);
    }

    public bool TryGet(ChunkId id, out SeedChunk chunk) => _chunks.TryGetValue(id, out chunk!);

    public void Dispose() => _handles.ForEach(h => h.Dispose());
}
