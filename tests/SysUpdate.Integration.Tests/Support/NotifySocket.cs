using System.Net.Sockets;
using System.Text;

namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// An sd_notify socket bound by a test: run sysupdate with <c>NOTIFY_SOCKET=</c><see cref="Path"/>, then
/// <see cref="MessagesAsync"/> once it exited gives every datagram it sent, in order.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    // Datagrams on one socket arrive in order: a marker sent after sysupdate has exited is read after
    // everything sysupdate sent, so reading up to it drains the socket without sleeping.
    private const string EndOfRun = "X_TEST_END_OF_RUN=1";

    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Task<List<string>> _receiver;

    public NotifySocket(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _receiver = Task.Run(ReceiveUntilEndAsync);
    }

    public string Path { get; }

    /// <summary>Everything received; call after the sender exited.</summary>
    public async Task<IReadOnlyList<string>> MessagesAsync(TimeSpan timeout)
    {
        using (var marker = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
            await marker.SendToAsync(Encoding.UTF8.GetBytes(EndOfRun), SocketFlags.None, new UnixDomainSocketEndPoint(Path));
        return await _receiver.WaitAsync(timeout);
    }

    public void Dispose() => _socket.Dispose();

    private async Task<List<string>> ReceiveUntilEndAsync()
    {
        var messages = new List<string>();
        var buffer = new byte[4096];
        while (true)
        {
            int n = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            string message = Encoding.UTF8.GetString(buffer, 0, n);
            if (message == EndOfRun)
                return messages;
            messages.Add(message);
        }
    }
}
