namespace SysUpdate.Core.Native;

/// <summary>open(2) of a path failed; <see cref="SysUpdateException.Errno"/> is the error number, for callers
/// that must tell a missing file or a refused O_DIRECT from the rest.</summary>
internal sealed class FileOpenException : SysUpdateException
{
    public FileOpenException(string path, int errno, bool forWriting)
        : base($"Failed to open '{path}'{(forWriting ? " for writing" : string.Empty)}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}.")
    {
        Path = path;
        Errno = (Errno)errno;
    }

    public string Path { get; }

    public bool IsNotFound => Errno == Errno.ENOENT;
}
