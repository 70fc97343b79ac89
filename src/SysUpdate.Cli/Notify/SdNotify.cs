using System.Net.Sockets;
using System.Text;

namespace SysUpdate.Cli.Notify;

/// <summary>
/// sd_notify(3): sends <c>KEY=VALUE</c> datagrams to <c>$NOTIFY_SOCKET</c> (a path, or an abstract
/// socket when it starts with '@'). Without the variable every call is a no-op.
/// </summary>
internal sealed class SdNotify : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;

    public SdNotify(string? notifySocket)
    {
        if (string.IsNullOrEmpty(notifySocket) || (notifySocket[0] != '/' && notifySocket[0] != '@'))
            return;
        _endpoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    public bool Enabled => _socket is not null;

    public void Send(string message)
    {
        if (_socket is null || _endpoint is null)
            return;
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(message), _endpoint);
        }
        catch (SocketException)
        {
            // Like sd_notify(): the service manager going away is not our failure.
        }
    }

    public void Dispose() => _socket?.Dispose();
}
