namespace SysUpdate.Core.Manifests;

/// <summary>A SHA256SUMS manifest breaks the strict line grammar; the message is "{source}:{line}: {what}".</summary>
internal sealed class ManifestFormatException : SysUpdateException
{
    public ManifestFormatException(string manifestSource, int line, string what, Errno errno = Errno.EINVAL)
        : base($"{manifestSource}:{line}: {what}")
    {
        ManifestSource = manifestSource;
        Line = line;
        Errno = errno;
    }

    /// <summary>URL or path of the manifest.</summary>
    public string ManifestSource { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }
}
