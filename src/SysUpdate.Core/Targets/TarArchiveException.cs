namespace SysUpdate.Core.Targets;

/// <summary>A tar payload was refused; the message names the source and what is wrong, in one line.</summary>
internal sealed class TarArchiveException : SysUpdateException
{
    public TarArchiveException(TarArchiveError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Errno = error switch
        {
            TarArchiveError.TooLarge => Errno.EFBIG,
            TarArchiveError.NameTooLong => Errno.ENAMETOOLONG,
            TarArchiveError.Conflict => Errno.EEXIST,
            TarArchiveError.Unsafe => Errno.EPERM,
            TarArchiveError.Unsupported => Errno.EOPNOTSUPP,
            _ => Errno.EBADMSG,
        };
    }

    public TarArchiveError Error { get; }
}
