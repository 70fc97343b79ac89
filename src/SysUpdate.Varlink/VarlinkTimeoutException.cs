namespace SysUpdate.Varlink;

/// <summary>The service sent no reply within the client's reply timeout. The connection is closed.</summary>
internal sealed class VarlinkTimeoutException : VarlinkException
{
    public VarlinkTimeoutException(TimeSpan timeout)
        : base($"No reply within {timeout.TotalSeconds:0.###} s")
    {
        Timeout = timeout;
    }

    public TimeSpan Timeout { get; }
}
