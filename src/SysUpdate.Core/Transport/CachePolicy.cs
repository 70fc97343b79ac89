namespace SysUpdate.Core.Transport;

/// <summary>How a small-file fetch uses the conditional-GET cache.</summary>
internal enum CachePolicy
{
    /// <summary>Send the cached validators; a 304 returns the cached copy.</summary>
    Conditional,

    /// <summary>Fetch the whole file whatever is cached (then store it as usual).</summary>
    Refresh,

    /// <summary>Fetch the whole file and keep no copy (chunks and indexes: verified by digest, never reused by URL).</summary>
    Bypass,
}
