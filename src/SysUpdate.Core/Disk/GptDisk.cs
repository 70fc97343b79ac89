using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Disk;

/// <summary>
/// A GPT-labelled block device or disk image file, opened for reading or for changing partition entries.
/// </summary>
/// <remarks>
/// <para>Opening: the disk is opened with libc <c>open(2)</c> (not <see cref="File.OpenHandle"/>, which
/// takes its own <c>flock(LOCK_SH)</c> and would make readers fail while a writer holds the disk). A block
/// device reports its logical sector size (<c>BLKSSZGET</c>) and size (<c>BLKGETSIZE64</c>); for an image
/// file the sector size is the one at which the "EFI PART" header sits (LBA 1 at byte 512 or 4096, or the
/// backup in the last LBA).</para>
/// <para>Protective MBR: LBA 0 must carry the 0x55AA boot signature and at least one MBR record of type
/// 0xEE (protective, or hybrid with other records beside it), as libfdisk and the kernel require;
/// otherwise the disk has "no GPT disk label". The MBR is never written.</para>
/// <para>Locking: a writable open takes <c>flock(LOCK_EX)</c> on the device, as systemd-sysupdate does, so
/// udev does not probe a half-written table and a second writer waits. The lock is tried without blocking
/// until the lock timeout (default 5 s) passes, then the open fails with EBUSY "device busy". Read-only
/// opens take no lock. Closing the handle releases the lock.</para>
/// </remarks>
internal sealed partial class GptDisk : IDisposable, IAsyncDisposable
{
    /// <summary>How long a writable open waits for another holder of the device lock.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan LockRetryInterval = TimeSpan.FromMilliseconds(50);

    private readonly SafeFileHandle _handle;
    private readonly bool _writable;
    private readonly ulong _backupHeaderLba;
    private readonly ulong _backupEntriesLba;
    private GptHeader _primary;
    private byte[] _entries;
    private bool _disposed;

    private GptDisk(string path, SafeFileHandle handle, bool writable)
    {
        Path = path;
        _handle = handle;
        _writable = writable;

        (IsBlockDevice, SectorSize, TotalSectors) = ProbeGeometry(handle, path);
        if (writable && IsBlockDevice && IsReadOnlyDevice(handle))
        {
            // Linux lets a read-only block device be opened for writing and refuses only the writes (EPERM).
            throw new SysUpdateException($"{path}: the block device is read-only; refusing to write to it.") { Errno = Errno.EROFS };
        }

        CheckProtectiveMbr();
        DeviceNodeBase = IsBlockDevice ? ResolveDeviceNodeBase(path) : null;

        (_primary, _entries, _backupHeaderLba, _backupEntriesLba) = ReadTables();
        Partitions = ParsePartitions(_primary, _entries);
        LayoutProblems = GptTableCheck.Find(Partitions, _primary.FirstUsableLba, _primary.LastUsableLba);
        if (writable && LayoutProblems.Count > 0)
        {
            throw new GptLayoutException(path, LayoutProblems, GptTableCheck.Describe(LayoutProblems, FirstUsableLba, LastUsableLba));
        }
    }

    /// <summary>The path the disk was opened with.</summary>
    public string Path { get; }

    public bool IsBlockDevice { get; }

    /// <summary>Logical sector size in bytes (512 or 4096 in practice).</summary>
    public int SectorSize { get; }

    /// <summary>Size of the device or image in whole sectors.</summary>
    public ulong TotalSectors { get; }

    public Guid DiskGuid => _primary.DiskGuid;

    public ulong FirstUsableLba => _primary.FirstUsableLba;

    public ulong LastUsableLba => _primary.LastUsableLba;

    /// <summary>Slots in the entry array (used or not).</summary>
    public int EntryCount => checked((int)_primary.EntryCount);

    /// <summary>Bytes per entry (128, or a larger multiple of 128).</summary>
    public int EntrySize => checked((int)_primary.EntrySize);

    /// <summary>The used entries, in entry order.</summary>
    public IReadOnlyList<GptPartition> Partitions { get; private set; }

    /// <summary>Entries outside the usable range or overlapping each other. A writable open refuses such a
    /// table (<see cref="GptLayoutException"/>); a read-only open lists it and reports them here.</summary>
    public IReadOnlyList<GptLayoutProblem> LayoutProblems { get; }

    /// <summary>A one-line warning naming the entries of <see cref="LayoutProblems"/>; null when there are none.</summary>
    public string? LayoutWarning => LayoutProblems.Count == 0 ? null
        : $"{Path}: GPT {GptTableCheck.Describe(LayoutProblems, FirstUsableLba, LastUsableLba)}; updates to this disk are refused until the partition table is repaired (sfdisk --verify {Path})";

    /// <summary>True if the primary table was corrupt at open time and the backup was used instead.
    /// The next <see cref="UpdatePartition"/> rewrites (repairs) the primary.</summary>
    public bool RecoveredFromBackup { get; private set; }

    /// <summary>True if the backup table was corrupt at open time (the primary was fine); the next write
    /// repairs it.</summary>
    public bool BackupCorrupt { get; private set; }

    /// <summary>A one-line message for the log when <see cref="RecoveredFromBackup"/> or
    /// <see cref="BackupCorrupt"/> is set; null otherwise.</summary>
    public string? RecoveryMessage { get; private set; }

    /// <summary>
    /// After a write to a block device: true if the kernel re-read the partition table (BLKRRPART),
    /// false if it refused (EBUSY: a partition is in use, the usual case on a running system). Null for
    /// image files and before the first write.
    /// </summary>
    public bool? KernelTableReread { get; private set; }

    /// <summary>Whole-disk device node the partition nodes derive from (symlinks resolved); null for images.</summary>
    private string? DeviceNodeBase { get; }

    /// <summary>
    /// Opens a block device or image file and reads its GPT.
    /// </summary>
    /// <param name="path">A whole-disk block device (<c>/dev/sda</c>, <c>/dev/loop0</c>) or an image file.</param>
    /// <param name="writable">Open read-write and take <c>flock(LOCK_EX)</c> so that
    /// <see cref="UpdatePartition"/> can be used.</param>
    /// <param name="lockTimeout">How long to wait for the lock; <see cref="DefaultLockTimeout"/> if null.</param>
    /// <exception cref="GptFormatException">No GPT disk label, or both tables are corrupt.</exception>
    /// <exception cref="GptLayoutException">Writable open of a table whose entries overlap or leave the usable range.</exception>
    /// <exception cref="UnexpectedFileKindException">The path is a directory, FIFO, socket or character device.</exception>
    /// <exception cref="SysUpdateException">The path can't be opened or read, or it is locked (EBUSY).</exception>
    public static GptDisk Open(string path, bool writable, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeFileHandle handle = OpenHandle(path, writable);
        try
        {
            if (writable)
            {
                LockExclusive(handle, path, lockTimeout ?? DefaultLockTimeout);
            }

            return new GptDisk(path, handle, writable);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Device node of partition <paramref name="number"/> of whole disk <paramref name="diskNode"/>:
    /// the kernel appends the number, with a "p" between when the disk name ends in a digit
    /// (<c>/dev/sda</c> → <c>/dev/sda1</c>, <c>/dev/nvme0n1</c> → <c>/dev/nvme0n1p1</c>,
    /// <c>/dev/loop0</c> → <c>/dev/loop0p1</c>).
    /// </summary>
    public static string PartitionDeviceNode(string diskNode, int number)
    {
        ArgumentException.ThrowIfNullOrEmpty(diskNode);
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        return char.IsAsciiDigit(diskNode[^1]) ? $"{diskNode}p{number}" : $"{diskNode}{number}";
    }

    /// <summary>The used entry with this 1-based number, or null.</summary>
    public GptPartition? FindPartition(int number)
    {
        foreach (GptPartition partition in Partitions)
        {
            if (partition.Number == number)
            {
                return partition;
            }
        }

        return null;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _handle.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Opens the disk only once it is known to be an image file or a block device: a FIFO, socket or
    /// character device is refused before an open that could block on it.</summary>
    private static SafeFileHandle OpenHandle(string path, bool writable) =>
        LibC.OpenExpecting(path, writable ? DiskInterop.O_RDWR : DiskInterop.O_RDONLY, FileKind.Regular | FileKind.BlockDevice);

    private static bool IsReadOnlyDevice(SafeFileHandle handle)
    {
        int readOnly = 0;
        return DiskInterop.IoctlInt32(handle, DiskInterop.BLKROGET, ref readOnly) == 0 && readOnly != 0;
    }

    private static void LockExclusive(SafeFileHandle handle, string path, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (LibC.TryLockExclusive(handle, out int errno))
            {
                return;
            }

            if (errno != DiskInterop.EWOULDBLOCK)
            {
                throw new SysUpdateException($"Failed to lock '{path}': {Marshal.GetPInvokeErrorMessage(errno)}.")
                {
                    Errno = ErrnoNames.FromNumber(errno),
                };
            }

            if (clock.Elapsed >= timeout)
            {
                throw new SysUpdateException(
                    $"{path}: device busy: another process holds a lock on it (waited {timeout.TotalSeconds:0.#} s); try again later.")
                {
                    Errno = Errno.EBUSY,
                };
            }

            Thread.Sleep(LockRetryInterval);
        }
    }

    private static string ResolveDeviceNodeBase(string path)
    {
        FileSystemInfo? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? System.IO.Path.GetFullPath(path);
    }
}
