using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace SysUpdate.Core.Transport;

/// <summary>
/// The bulk client's <see cref="SocketsHttpHandler.ConnectCallback"/>: connects a TCP socket in blocking
/// mode, never handed to .NET's event loop, and wraps it in a <see cref="BlockingSocketStream"/>. Every
/// address the name resolves to is tried in turn; the handler's connect timeout and the request's
/// cancellation arrive as <c>cancellationToken</c> and abort the connect. The connection is left in the request's
/// options (<see cref="BlockingSocketStream.RequestOption"/>) for the reader of its body.
/// </summary>
internal static class BlockingSocketConnector
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        DnsEndPoint target = context.DnsEndPoint;
        IPAddress[] addresses = IPAddress.TryParse(target.Host, out IPAddress? literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(target.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
            throw new SocketException((int)SocketError.HostNotFound);

        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            try
            {
                var connection = new BlockingSocketStream(Connect(new IPEndPoint(address, target.Port), cancellationToken));
                context.InitialRequestMessage.Options.Set(BlockingSocketStream.RequestOption, connection);
                return connection;
            }
            catch (SocketException ex)
            {
                last = ex;
            }
        }

        throw last!;
    }

    private static Socket Connect(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // A blocking connect(2) keeps the descriptor blocking (.NET never sets O_NONBLOCK back once set);
            // shutdown(2) from another thread aborts it, which is how the timeout and cancellation end it.
            using (cancellationToken.Register(static state => ShutDown((Socket)state!), socket))
            {
                try
                {
                    socket.Connect(endPoint);
                }
                catch (SocketException ex) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(ex.Message, ex, cancellationToken);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void ShutDown(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Not connecting any more.
        }
    }
}
