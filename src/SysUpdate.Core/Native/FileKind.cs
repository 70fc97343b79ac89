namespace SysUpdate.Core.Native;

/// <summary>What a path names, not following a final symlink (the <c>S_IFMT</c> bits of lstat).</summary>
internal enum FileKind
{
    Missing,
    RegularFile,
    Directory,
    Symlink,
    /// <summary>A FIFO, socket or device node.</summary>
    Special,
}
