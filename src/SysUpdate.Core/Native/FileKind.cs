namespace SysUpdate.Core.Native;

/// <summary>What <c>S_IFMT</c> of a path's mode says it is; a flag set where several kinds are acceptable.</summary>
[Flags]
internal enum FileKind
{
    None = 0,
    Regular = 1,
    Directory = 2,
    BlockDevice = 4,
    CharacterDevice = 8,
    Fifo = 16,
    Socket = 32,
    Symlink = 64,
}
