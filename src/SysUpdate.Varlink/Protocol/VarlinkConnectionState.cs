namespace SysUpdate.Varlink.Protocol;

internal enum VarlinkConnectionState
{
    Open,
    Closed,
}
