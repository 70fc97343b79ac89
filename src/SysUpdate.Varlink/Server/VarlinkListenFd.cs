namespace SysUpdate.Varlink.Server;

/// <summary>One socket passed by the service manager: its fd number and its LISTEN_FDNAMES entry.</summary>
internal readonly record struct VarlinkListenFd(int Fd, string Name);
