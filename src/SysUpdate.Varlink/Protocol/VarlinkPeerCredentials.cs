using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SysUpdate.Varlink.Protocol;

/// <summary>The credentials of the process on the other end of a Unix socket (<c>struct ucred</c>).</summary>
internal readonly record struct VarlinkPeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int UcredSize = 12;

    /// <summary>Reads SO_PEERCRED; <see langword="null"/> if the socket is not a connected Unix socket.</summary>
    public static VarlinkPeerCredentials? TryGet(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.AddressFamily != AddressFamily.Unix)
        {
            return null;
        }

        Span<byte> ucred = stackalloc byte[UcredSize];
        try
        {
            int length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
            if (length < UcredSize)
            {
                return null;
            }
        }
        catch (SocketException)
        {
            return null;
        }

        return new VarlinkPeerCredentials(
            MemoryMarshal.Read<int>(ucred),
            MemoryMarshal.Read<uint>(ucred[4..]),
            MemoryMarshal.Read<uint>(ucred[8..]));
    }
}
