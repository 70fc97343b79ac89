using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;

namespace SysUpdate.Core.Sources;

/// <summary>Where versions come from: finds the source instances and hands out their bytes.</summary>
internal interface ISourceResource
{
    ResourceType Type { get; }

    /// <summary>The resolved directory or base URL, for messages.</summary>
    string Location { get; }

    /// <summary>The instances found, newest first.</summary>
    Task<IReadOnlyList<Instance>> DiscoverAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens the bytes of a file-like instance as published (maybe compressed), starting at
    /// <paramref name="offset"/>. Directory instances are copied from <see cref="Instance.Path"/> instead.</summary>
    Task<PublishedPayload> OpenAsync(Instance instance, long offset, string? validator, CancellationToken cancellationToken = default);
}

/// <summary>An opened payload: the stream, where it starts, its total length when known and, for
/// HTTP, the validator (ETag or Last-Modified) a later resume must present.</summary>
internal sealed record PublishedPayload(Stream Stream, long Offset, long? TotalLength, string? Validator) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
