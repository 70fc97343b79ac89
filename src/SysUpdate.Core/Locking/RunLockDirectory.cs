using SysUpdate.Core.Native;

namespace SysUpdate.Core.Locking;

/// <summary>Where run lock files live: <c>/run/lock/sysupdate</c> (mode 0700, owned by root) for root;
/// a private directory below the temporary directory for other users, who cannot update the host anyway.</summary>
internal static class RunLockDirectory
{
    public const string System = "/run/lock/sysupdate";

    public static string Default => LockInterop.GetEffectiveUid() == 0
        ? System
        : Path.Combine(Path.GetTempPath(), $"sysupdate-lock-{LockInterop.GetEffectiveUid()}");

    /// <summary>Creates the directory (0700) if needed and refuses one that another user owns.</summary>
    public static void Ensure(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SysUpdateException($"{directory}: cannot create the lock directory: {ex.Message}; run as root", ex) { Errno = Errno.EACCES };
        }
        var (uid, _) = LibC.GetOwner(directory);
        if (uid != LockInterop.GetEffectiveUid())
            throw new SysUpdateException($"{directory}: lock directory is owned by uid {uid}, not by this user; remove it") { Errno = Errno.EPERM };
    }
}
