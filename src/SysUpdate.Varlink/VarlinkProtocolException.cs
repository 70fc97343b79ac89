namespace SysUpdate.Varlink;

/// <summary>
/// The peer broke the wire protocol (malformed JSON, a message over the size cap, a reply that is not a
/// reply, a connection closed in the middle of a call). The connection is unusable afterwards.
/// </summary>
internal sealed class VarlinkProtocolException : VarlinkException
{
    public VarlinkProtocolException(string message) : base(message) { }

    public VarlinkProtocolException(string message, Exception? innerException) : base(message, innerException) { }
}
