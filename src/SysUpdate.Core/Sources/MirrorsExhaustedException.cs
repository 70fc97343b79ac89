namespace SysUpdate.Core.Sources;

/// <summary>
/// Every base URL of a url source (<c>Path=</c> and its <c>Mirror=</c>s) failed for the same request. One line naming each
/// URL with what went wrong there; <see cref="Exception.InnerException"/> and <see cref="SysUpdateException.Errno"/> are
/// the last failure's.
/// </summary>
internal sealed class MirrorsExhaustedException : SysUpdateException
{
    public MirrorsExhaustedException(string what, IReadOnlyList<SysUpdateException> failures)
        : base($"{what}: all {failures.Count} mirrors failed: {string.Join("; ", failures.Select(f => f.Message))}", failures[^1])
    {
        Failures = failures;
        Errno = failures[^1].Errno;
    }

    public IReadOnlyList<SysUpdateException> Failures { get; }
}
