using System.Security.Cryptography;
using System.Text;
using SysUpdate.Core.Config;
using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Locking;

/// <summary>
/// What one run lock protects, named by the resolved target: a partition target's whole disk (the
/// block device it is, or the image file's inode), a file-system target's directory (its inode, and
/// its canonical path so that a run which creates the directory and one that finds it exclude each
/// other). <see cref="FileName"/> is the lock file's name; <see cref="Target"/> is for messages.
/// </summary>
internal readonly record struct RunLockKey(string FileName, string Target) : IComparable<RunLockKey>
{
    public int CompareTo(RunLockKey other) => string.CompareOrdinal(FileName, other.FileName);

    /// <summary>The keys of a target: one or two, never empty.</summary>
    public static IReadOnlyList<RunLockKey> For(ITargetResource target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Type == ResourceType.Partition ? [ForDisk(target.Location)] : ForDirectory(target.Location);
    }

    public static RunLockKey ForDisk(string disk) => LockInterop.Identify(disk) switch
    {
        { IsBlockDevice: true } id => new RunLockKey($"blk-{id.Major}_{id.Minor}.lock", disk),
        { } id => new RunLockKey($"inode-{id.Major}_{id.Minor}-{id.Inode}.lock", disk),
        null => ForPath(disk),
    };

    public static IReadOnlyList<RunLockKey> ForDirectory(string directory)
    {
        var path = ForPath(directory);
        return LockInterop.Identify(directory) is { IsBlockDevice: false } id
            ? [path, new RunLockKey($"inode-{id.Major}_{id.Minor}-{id.Inode}.lock", directory)]
            : [path];
    }

    private static RunLockKey ForPath(string path)
    {
        string canonical = LockInterop.Canonical(path);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..32];
        return new RunLockKey($"path-{hash}.lock", path);
    }
}
