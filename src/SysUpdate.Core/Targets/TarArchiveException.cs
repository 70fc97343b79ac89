namespace SysUpdate.Core.Targets;

/// <summary>A tar payload was refused; the message names the source and what is wrong, in one line.</summary>
internal sealed class TarArchiveException : SysUpdateException
{
    public TarArchiveException(TarArchiveError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        ErrnoName = error switch
        {
            TarArchiveError.TooLarge => "EFBIG",
            TarArchiveError.NameTooLong => "ENAMETOOLONG",
            TarArchiveError.Conflict => "EEXIST",
            TarArchiveError.Unsafe => "EPERM",
            TarArchiveError.Unsupported => "EOPNOTSUPP",
            _ => "EBADMSG",
        };
    }

    public TarArchiveError Error { get; }
}
