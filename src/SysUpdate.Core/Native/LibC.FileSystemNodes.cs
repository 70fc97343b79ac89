using Linux = Tmds.Linux.LibC;

namespace SysUpdate.Core.Native;

/// <summary>lstat's file type and mknod(2): what the tar extractor needs to tell kinds of entries
/// apart and to create device nodes without permissions until the payload is verified.</summary>
internal static partial class LibC
{
    public static uint S_IFIFO => (uint)Linux.S_IFIFO;
    public static uint S_IFCHR => (uint)Linux.S_IFCHR;
    public static uint S_IFBLK => (uint)Linux.S_IFBLK;

    /// <summary>The kind of <paramref name="path"/> without following a final symlink;
    /// <see cref="FileKind.None"/> when it (or a parent) does not exist.</summary>
    public static FileKind GetFileKind(string path)
    {
        int errno = TryStatx(Linux.AT_FDCWD, path, Linux.AT_SYMLINK_NOFOLLOW, Linux.STATX_TYPE, out var stx);
        if (errno == Linux.ENOENT || errno == Linux.ENOTDIR)
            return FileKind.None;
        if (errno != 0)
            throw Error("statx", path, errno);
        return KindFromMode(stx.stx_mode);
    }

    /// <summary>mknod(2) with glibc's <c>makedev()</c> encoding of the device number (the same on every
    /// architecture glibc supports; Tmds.LibC 0.5.0 has no makedev).</summary>
    public static unsafe void MakeNode(string path, uint typeAndMode, uint major, uint minor)
    {
        ulong dev = ((ulong)(major & 0xFFFFF000) << 32) | ((ulong)(major & 0xFFF) << 8)
                    | ((ulong)(minor & 0xFFFFFF00) << 12) | (minor & 0xFF);
        int rc;
        fixed (byte* p = ToCString(path))
            rc = Linux.mknod(p, (Tmds.Linux.mode_t)typeAndMode, dev);
        if (rc != 0)
            throw Error("mknod", path);
    }
}
