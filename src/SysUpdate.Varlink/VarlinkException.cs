namespace SysUpdate.Varlink;

/// <summary>
/// Root of every Varlink failure caused by the peer or the environment (a broken message, an error
/// reply, a bad interface definition). This assembly does not depend on SysUpdate.Core, so the root is
/// its own; callers that need a <c>SysUpdateException</c> wrap it at their boundary.
/// </summary>
internal abstract class VarlinkException : Exception
{
    protected VarlinkException(string message) : base(message) { }

    protected VarlinkException(string message, Exception? innerException) : base(message, innerException) { }
}
