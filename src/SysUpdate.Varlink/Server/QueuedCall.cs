using SysUpdate.Varlink.Protocol;

namespace SysUpdate.Varlink.Server;

/// <summary>A call read from a connection and waiting to be handled, with the bytes it holds of the server's buffer budget.</summary>
internal readonly record struct QueuedCall(VarlinkCallMessage Message, long Size);
