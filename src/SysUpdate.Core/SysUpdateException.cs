namespace SysUpdate.Core;

/// <summary>
/// Root of every error caused by the user's input or environment (bad configuration, unreachable
/// server, corrupt disk). The CLI prints <see cref="Exception.Message"/> as one line and exits 1;
/// anything not derived from this type is a bug and keeps its stack trace.
/// </summary>
public class SysUpdateException : Exception
{
    public SysUpdateException(string message) : base(message) { }

    public SysUpdateException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The errno name systemd would report (ENOENT, ENOSPC, …), when one applies.</summary>
    public string? ErrnoName { get; init; }
}
