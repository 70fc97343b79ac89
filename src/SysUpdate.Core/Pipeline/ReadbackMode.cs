namespace SysUpdate.Core.Pipeline;

/// <summary>How a read-back avoided the page cache.</summary>
internal enum ReadbackMode
{
    /// <summary><c>O_DIRECT</c> reads into aligned buffers: the bytes come from the device.</summary>
    Direct,

    /// <summary>The device or file system refused <c>O_DIRECT</c>: the range was dropped from the page cache
    /// with <c>posix_fadvise(POSIX_FADV_DONTNEED)</c> (after fsync its pages are clean, so they go) and read buffered.</summary>
    DroppedCacheBuffered,
}
