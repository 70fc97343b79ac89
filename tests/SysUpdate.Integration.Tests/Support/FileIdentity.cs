using System.Buffers.Binary;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// Inode, nanosecond mtime and mode of a path (not following symlinks), read with <c>statx(2)</c>:
/// the identity that tells "left alone" from "rewritten with the same bytes".
/// </summary>
internal readonly partial record struct FileIdentity(ulong Inode, long MtimeNanoseconds, uint Mode)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;

    public uint Permissions => Mode & 0xfff;

    public static unsafe FileIdentity Of(string path)
    {
        byte* buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"statx {path}");
        var span = new ReadOnlySpan<byte>(buffer, 256);
        uint mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        ulong inode = BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);
        long mtimeSeconds = BinaryPrimitives.ReadInt64LittleEndian(span[112..]);
        uint mtimeNanoseconds = BinaryPrimitives.ReadUInt32LittleEndian(span[120..]);
        return new FileIdentity(inode, mtimeSeconds * 1_000_000_000 + mtimeNanoseconds, mode);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
