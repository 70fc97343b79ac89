namespace SysUpdate.Core;

/// <summary>Another process holds the run lock of a target (Varlink: <c>io.systemd.SysUpdate.Busy</c>).</summary>
public sealed class TargetBusyException : SysUpdateException
{
    public TargetBusyException(string target, int? holderPid)
        : base(holderPid is { } pid
            ? $"another update of {target} is running (pid {pid}); try again when it has finished"
            : $"another update of {target} is running; try again when it has finished")
    {
        Target = target;
        HolderPid = holderPid;
        Errno = Errno.EBUSY;
    }

    public string Target { get; }

    public int? HolderPid { get; }
}
