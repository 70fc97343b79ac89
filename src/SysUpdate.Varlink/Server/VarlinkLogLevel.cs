namespace SysUpdate.Varlink.Server;

internal enum VarlinkLogLevel
{
    Debug,
    Warning,
    Error,
}
