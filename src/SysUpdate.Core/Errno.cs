namespace SysUpdate.Core;

/// <summary>
/// The Linux errno values the engine reports (numbers as in <c>asm-generic/errno*.h</c> on x86-64 and
/// arm64). Carried by <see cref="SysUpdateException.Errno"/> where the number matters: Varlink
/// <c>io.systemd.System</c> errors. Control flow never looks at it; it looks at exception types.
/// </summary>
public enum Errno
{
    EPERM = 1,
    ENOENT = 2,
    EIO = 5,
    ENXIO = 6,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    ENOTBLK = 15,
    EBUSY = 16,
    EEXIST = 17,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    EFBIG = 27,
    ENOSPC = 28,
    EROFS = 30,
    ERANGE = 34,
    ENAMETOOLONG = 36,
    ELOOP = 40,
    ENODATA = 61,
    ETIME = 62,
    EPROTO = 71,
    EBADFD = 77,
    EBADMSG = 74,
    EOPNOTSUPP = 95,
    ETIMEDOUT = 110,
    ECONNREFUSED = 111,
    EHOSTDOWN = 112,
    EALREADY = 114,
    ESTALE = 116,
    EUCLEAN = 117,
    ECANCELED = 125,
    ENOKEY = 126,
    EKEYREJECTED = 129,
    EHWPOISON = 133,
}
