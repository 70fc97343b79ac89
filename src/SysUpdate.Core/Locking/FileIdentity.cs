namespace SysUpdate.Core.Locking;

/// <summary>A file's identity: (major, minor, inode) of the file system holding it, or for a block
/// device the (major, minor) it is.</summary>
internal readonly record struct FileIdentity(bool IsBlockDevice, uint Major, uint Minor, ulong Inode);
