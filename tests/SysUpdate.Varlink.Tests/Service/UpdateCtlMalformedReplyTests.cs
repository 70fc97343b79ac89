using System.Net.Sockets;
using System.Text;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>The real <c>updatectl</c> against a service that answers every call with an empty reply,
/// lacking the fields the interface promises: one line, exit 1, no stack trace.</summary>
public sealed class UpdateCtlMalformedReplyTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private string _directory = null!;
    private Socket _listener = null!;
    private Task _serving = Task.CompletedTask;

    private string SocketPath => Path.Combine(_directory, "empty.sock");

    public Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("updatectl-malformed-").FullName;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _serving = ServeAsync();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _serving;
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [UpdateCtlBinaryTheory]
    [InlineData("list")]
    [InlineData("check")]
    [InlineData("vacuum", "host")]
    [InlineData("features")]
    public async Task Command_RepliesLackDeclaredFields_OneLineNamingSocketAndField(params string[] command)
    {
        var (exit, _, stderr) = await ProcessRunner.RunAsync(ServiceBinaries.UpdateCtl!, ["--socket", SocketPath, "--timeout=30", .. command]);

        Assert.Equal(1, exit);
        string line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(SocketPath, line, StringComparison.Ordinal);
        Assert.Contains("field", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private async Task ServeAsync()
    {
        var connections = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }
            connections.Add(AnswerEmptyAsync(accepted));
        }
        await Task.WhenAll(connections);
    }

    /// <summary>Answers each NUL-terminated call with <c>{"parameters":{}}</c> until the peer closes.</summary>
    private static async Task AnswerEmptyAsync(Socket socket)
    {
        using (socket)
        {
            byte[] buffer = new byte[64 * 1024];
            byte[] reply = Encoding.UTF8.GetBytes("{\"parameters\":{}}\0");
            try
            {
                while (true)
                {
                    int read = await socket.ReceiveAsync(buffer, SocketFlags.None);
                    if (read == 0)
                        return;
                    for (int i = 0; i < read; i++)
                    {
                        if (buffer[i] == 0)
                            await socket.SendAsync(reply, SocketFlags.None);
                    }
                }
            }
            catch (SocketException)
            {
                // The client went away.
            }
        }
    }
}
