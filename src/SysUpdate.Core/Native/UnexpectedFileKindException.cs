namespace SysUpdate.Core.Native;

/// <summary>A path names a FIFO, socket, character device (or directory) where a regular file or block device
/// is expected. Raised before the path is opened for I/O, so a FIFO can never block the open.</summary>
internal sealed class UnexpectedFileKindException : SysUpdateException
{
    public UnexpectedFileKindException(string path, FileKind found, FileKind expected)
        : base($"{path}: is {FileKindNames.Describe(found)}, not {FileKindNames.Describe(expected)}; refusing to open it")
    {
        Path = path;
        Found = found;
        Expected = expected;
        Errno = found == FileKind.Directory ? Errno.EISDIR : Errno.EBADFD;
    }

    public string Path { get; }

    public FileKind Found { get; }

    public FileKind Expected { get; }
}
