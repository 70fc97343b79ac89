using System.Net.Sockets;

namespace SysUpdate.Varlink.Server;

/// <summary>
/// The sd_listen_fds(3) protocol: sockets passed from fd 3 on, announced by LISTEN_PID, LISTEN_FDS and
/// LISTEN_FDNAMES. A listening socket comes from <c>Accept=no</c>; a connected one from <c>Accept=yes</c>.
/// </summary>
internal static class SocketActivation
{
    public const int FirstFd = 3;

    private const int SolSocket = 1;
    private const int SoAcceptConn = 30;

    /// <summary>
    /// Reads the passed fds from the variables' values. Returns none when LISTEN_PID is not
    /// <paramref name="processId"/> or the variables are missing or malformed.
    /// </summary>
    public static IReadOnlyList<VarlinkListenFd> Parse(string? listenPid, string? listenFds, string? listenFdNames, int processId)
    {
        if (!int.TryParse(listenPid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) || pid != processId)
        {
            return [];
        }

        if (!int.TryParse(listenFds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count) || count <= 0 || count > 1024)
        {
            return [];
        }

        string[] names = listenFdNames?.Split(':') ?? [];
        var fds = new VarlinkListenFd[count];
        for (int i = 0; i < count; i++)
        {
            fds[i] = new VarlinkListenFd(FirstFd + i, i < names.Length && names[i].Length > 0 ? names[i] : "unknown");
        }

        return fds;
    }

    /// <summary>
    /// Whether sockets were passed to this process (LISTEN_PID names it and LISTEN_FDS is a count),
    /// without taking them: started by a socket unit with no verb, the binary serves Varlink, as upstream.
    /// </summary>
    public static bool IsActivated() => Parse(
        Environment.GetEnvironmentVariable("LISTEN_PID"),
        Environment.GetEnvironmentVariable("LISTEN_FDS"),
        null,
        Environment.ProcessId).Count > 0;

    /// <summary>
    /// Takes the sockets passed to this process and removes LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES from
    /// the environment so children do not inherit them. Empty when the process was not socket-activated.
    /// </summary>
    public static IReadOnlyList<Socket> TakeSockets()
    {
        IReadOnlyList<VarlinkListenFd> fds = Parse(
            Environment.GetEnvironmentVariable("LISTEN_PID"),
            Environment.GetEnvironmentVariable("LISTEN_FDS"),
            Environment.GetEnvironmentVariable("LISTEN_FDNAMES"),
            Environment.ProcessId);
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        return fds.Select(fd => FromFd(fd.Fd)).ToArray();
    }

    /// <summary>Wraps an inherited socket fd; the returned <see cref="Socket"/> owns (closes) it.</summary>
    public static Socket FromFd(int fd) => new(new SafeSocketHandle(fd, ownsHandle: true));

    /// <summary>Whether the socket is listening (SO_ACCEPTCONN) rather than connected.</summary>
    public static bool IsListening(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> value = stackalloc byte[sizeof(int)];
        return socket.GetRawSocketOption(SolSocket, SoAcceptConn, value) >= sizeof(int) && BitConverter.ToInt32(value) != 0;
    }
}
