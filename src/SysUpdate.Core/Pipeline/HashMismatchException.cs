namespace SysUpdate.Core.Pipeline;

/// <summary>The bytes as published do not have the SHA-256 the manifest promised.</summary>
internal sealed class HashMismatchException(string origin, string expected, string actual)
    : SysUpdateException($"{origin}: SHA-256 mismatch: manifest says {expected}, download has {actual}; nothing was installed, try again later or report the broken release")
{
    public string Expected { get; } = expected;
    public string Actual { get; } = actual;
}
