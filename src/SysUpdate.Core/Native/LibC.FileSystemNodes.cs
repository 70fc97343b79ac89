using System.Runtime.InteropServices;

namespace SysUpdate.Core.Native;

/// <summary>lstat's file type and mknod(2): what the tar extractor needs to tell kinds of entries
/// apart and to create device nodes without permissions until the payload is verified.</summary>
internal static partial class LibC
{
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;

    private const uint S_IFMT = 0xF000;
    private const uint S_IFDIR = 0x4000;
    private const uint S_IFREG = 0x8000;
    private const uint S_IFLNK = 0xA000;

    public const uint S_IFIFO = 0x1000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFBLK = 0x6000;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mknod(string path, uint mode, ulong dev);

    /// <summary>The kind of <paramref name="path"/> without following a final symlink;
    /// <see cref="FileKind.None"/> when it (or a parent) does not exist.</summary>
    public static unsafe FileKind GetFileKind(string path)
    {
        const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
        byte* buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR)
                return FileKind.None;
            throw Error("statx", path);
        }
        uint mode = *(ushort*)(buffer + StatxModeOffset);
        return (mode & S_IFMT) switch
        {
            S_IFREG => FileKind.Regular,
            S_IFDIR => FileKind.Directory,
            S_IFLNK => FileKind.Symlink,
            S_IFBLK => FileKind.BlockDevice,
            S_IFCHR => FileKind.CharacterDevice,
            S_IFIFO => FileKind.Fifo,
            _ => FileKind.Socket, // S_IFSOCK, the only type left
        };
    }

    /// <summary>mknod(2) with glibc's <c>makedev()</c> encoding of the device number.</summary>
    public static void MakeNode(string path, uint typeAndMode, uint major, uint minor)
    {
        ulong dev = ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8)
                    | ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);
        if (mknod(path, typeAndMode, dev) != 0)
            throw Error("mknod", path);
    }
}
