using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;

namespace SysUpdate.Core.Sources;

/// <summary>A source in the local file system: <c>regular-file</c>, <c>tar</c>, <c>directory</c>, <c>subvolume</c>.</summary>
internal sealed class LocalSource(Resource resource, string directory) : ISourceResource
{
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
        FileStream stream;
        try
        {
            stream = new FileStream(instance.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SysUpdateException($"{instance.Path}: cannot open source: {ex.Message}", ex);
        }
        if (offset > 0)
            stream.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult(new PublishedPayload(stream, offset, stream.Length, null));
    }
}
