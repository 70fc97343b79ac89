namespace SysUpdate.Core;

/// <summary>The one errno table: the spelling of each <see cref="Errno"/> (for Varlink and messages),
/// and the value of a raw number from a failed system call.</summary>
public static class ErrnoNames
{
    public static string ToName(this Errno errno) => errno switch
    {
        Errno.EPERM => "EPERM",
        Errno.ENOENT => "ENOENT",
        Errno.EIO => "EIO",
        Errno.ENXIO => "ENXIO",
        Errno.EAGAIN => "EAGAIN",
        Errno.ENOMEM => "ENOMEM",
        Errno.EACCES => "EACCES",
        Errno.ENOTBLK => "ENOTBLK",
        Errno.EBUSY => "EBUSY",
        Errno.EEXIST => "EEXIST",
        Errno.ENODEV => "ENODEV",
        Errno.ENOTDIR => "ENOTDIR",
        Errno.EISDIR => "EISDIR",
        Errno.EINVAL => "EINVAL",
        Errno.EFBIG => "EFBIG",
        Errno.ENOSPC => "ENOSPC",
        Errno.EROFS => "EROFS",
        Errno.ERANGE => "ERANGE",
        Errno.ENAMETOOLONG => "ENAMETOOLONG",
        Errno.ELOOP => "ELOOP",
        Errno.ENODATA => "ENODATA",
        Errno.ETIME => "ETIME",
        Errno.EPROTO => "EPROTO",
        Errno.EBADFD => "EBADFD",
        Errno.EBADMSG => "EBADMSG",
        Errno.EOPNOTSUPP => "EOPNOTSUPP",
        Errno.ETIMEDOUT => "ETIMEDOUT",
        Errno.ECONNREFUSED => "ECONNREFUSED",
        Errno.EHOSTDOWN => "EHOSTDOWN",
        Errno.EALREADY => "EALREADY",
        Errno.ESTALE => "ESTALE",
        Errno.EUCLEAN => "EUCLEAN",
        Errno.ECANCELED => "ECANCELED",
        Errno.ENOKEY => "ENOKEY",
        Errno.EKEYREJECTED => "EKEYREJECTED",
        Errno.EHWPOISON => "EHWPOISON",
        _ => "EIO",
    };

    /// <summary>The errno of a raw number from a failed system call; EIO when the table lacks it.</summary>
    public static Errno FromNumber(int number) => Enum.IsDefined((Errno)number) ? (Errno)number : Errno.EIO;
}
