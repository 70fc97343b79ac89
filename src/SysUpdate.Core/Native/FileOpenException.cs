namespace SysUpdate.Core.Native;

/// <summary>open(2) of a path failed; <see cref="Errno"/> is the error number for callers that must tell
/// ENOENT from the rest.</summary>
internal sealed class FileOpenException : SysUpdateException
{
    public const int ENOENT = 2;

    public FileOpenException(string path, int errno, bool forWriting)
        : base($"Failed to open '{path}'{(forWriting ? " for writing" : string.Empty)}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}.")
    {
        Path = path;
        Errno = errno;
        ErrnoName = Disk.DiskInterop.ErrnoName(errno);
    }

    public string Path { get; }

    public int Errno { get; }

    public bool IsNotFound => Errno == ENOENT;
}
