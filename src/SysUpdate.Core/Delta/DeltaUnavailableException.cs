namespace SysUpdate.Core.Delta;

/// <summary>The delta download cannot go on; the caller downloads the whole image instead. Never reaches the user
/// as an error: it becomes one log line saying why.</summary>
internal sealed class DeltaUnavailableException(DeltaFallbackReason reason, string message, Exception? innerException = null)
    : SysUpdateException(message, innerException)
{
    public DeltaFallbackReason Reason { get; } = reason;
}
