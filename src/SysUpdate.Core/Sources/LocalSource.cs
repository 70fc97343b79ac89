using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Sources;

/// <summary>A source in the local file system: <c>regular-file</c>, <c>tar</c>, <c>directory</c>, <c>subvolume</c>.</summary>
internal sealed class LocalSource(Resource resource, string directory) : ISourceResource
{
    private const int O_RDONLY = 0;

    public ResourceType Type => resource.Type;

    public string Location => directory;

    public Task<IReadOnlyList<Instance>> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Partial/pending names are a target's business; in a source they are just not instances.
        var found = FileSystemScanner.Scan(directory, resource.Type, resource.Patterns)
            .Where(i => !i.IsPartial && !i.IsPending)
            .ToList();
        return Task.FromResult<IReadOnlyList<Instance>>(found);
    }

    public Task<PublishedPayload> OpenAsync(Instance instance, long offset, string? validator, CancellationToken cancellationToken = default)
    {
        if (resource.Type.HoldsDirectories())
            throw new InvalidOperationException("directory instances are copied, not streamed");
        // A FIFO, socket or device named like an instance is refused before open(2) could block on it.
        var handle = LibC.OpenExpecting(instance.Path, O_RDONLY, FileKind.Regular);
        var stream = new FileStream(handle, FileAccess.Read, 1);
        if (offset > 0)
            stream.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult(new PublishedPayload(stream, offset, stream.Length, null));
    }
}
