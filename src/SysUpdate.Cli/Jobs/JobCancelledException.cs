using SysUpdate.Core;

namespace SysUpdate.Cli.Jobs;

/// <summary>A command-line job stopped because a Varlink client's <c>CancelJob</c> asked it to.</summary>
internal sealed class JobCancelledException : SysUpdateException
{
    public JobCancelledException(long id)
        : base($"Job {id} was cancelled (io.systemd.SysUpdate.CancelJob); nothing of it was installed.")
    {
        JobId = id;
        Errno = Errno.ECANCELED;
    }

    public long JobId { get; }
}
