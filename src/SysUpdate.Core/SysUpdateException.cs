namespace SysUpdate.Core;

/// <summary>
/// Root of every error caused by the user's input or environment (bad configuration, unreachable
/// server, corrupt disk). The CLI prints <see cref="Exception.Message"/> as one line and exits 1;
/// anything not derived from this type is a bug and keeps its stack trace. A failure a caller must
/// tell apart from others has its own derived type; <see cref="Errno"/> only feeds Varlink's
/// <c>io.systemd.System</c> error.
/// </summary>
public class SysUpdateException : Exception
{
    public SysUpdateException(string message) : base(message) { }

    public SysUpdateException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The errno systemd would report for this failure (EIO unless set).</summary>
    public Errno Errno { get; init; } = Errno.EIO;
}
