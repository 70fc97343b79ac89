using System.Runtime.InteropServices;

namespace SysUpdate.Core.Disk;

/// <summary>The <c>uint64_t[2]</c> argument of <c>BLKZEROOUT</c>: start and length in bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BlockRange
{
    public ulong Start;
    public ulong Length;
}
