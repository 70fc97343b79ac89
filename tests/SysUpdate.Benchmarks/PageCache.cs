using System.Runtime.InteropServices;

namespace SysUpdate.Benchmarks;

/// <summary>Writes back dirty pages before a timed step, so no step pays for the previous one's writeback.</summary>
internal static partial class PageCache
{
    public static void WriteBackAll() => Sync();

    [LibraryImport("libc", EntryPoint = "sync")]
    private static partial void Sync();
}
