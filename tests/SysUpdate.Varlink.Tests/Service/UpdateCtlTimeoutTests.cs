using System.Net.Sockets;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>The real <c>updatectl</c> against a socket that accepts connections and never answers.</summary>
public sealed class UpdateCtlTimeoutTests : IAsyncLifetime
{
    private readonly List<Socket> _accepted = [];
    private readonly CancellationTokenSource _stop = new();
    private string _directory = null!;
    private Socket _listener = null!;
    private Task _acceptLoop = Task.CompletedTask;

    private string SocketPath => Path.Combine(_directory, "silent.sock");

    public Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("updatectl-timeout-").FullName;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _acceptLoop = AcceptForeverAsync();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        lock (_accepted)
        {
            foreach (Socket socket in _accepted)
                socket.Dispose();
        }
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [UpdateCtlBinaryFact]
    public async Task List_ServiceNeverAnswers_FailsWithOneLineNamingTheSocket()
    {
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(ServiceBinaries.UpdateCtl!, ["--socket", SocketPath, "--timeout=1", "list"]);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        string line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(SocketPath, line, StringComparison.Ordinal);
        Assert.Contains("--timeout", line, StringComparison.Ordinal);
        Assert.True(_accepted.Count >= 1, "updatectl connected to the silent socket");
    }

    [UpdateCtlBinaryFact]
    public async Task Update_ServiceNeverSendsProgress_FailsWithOneLineNamingTheSocket()
    {
        var (exit, _, stderr) = await ProcessRunner.RunAsync(ServiceBinaries.UpdateCtl!, ["--socket", SocketPath, "--timeout=0.5", "update", "host"]);

        Assert.Equal(1, exit);
        string line = Assert.Single(stderr.TrimEnd('\n').Split('\n'), l => l.Contains(SocketPath, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.Contains("0.5 s", line, StringComparison.Ordinal);
    }

    [UpdateCtlBinaryFact]
    public async Task List_BadTimeout_IsAUsageError()
    {
        var (exit, _, stderr) = await ProcessRunner.RunAsync(ServiceBinaries.UpdateCtl!, ["--socket", SocketPath, "--timeout=soon", "list"]);

        Assert.Equal(1, exit);
        Assert.Contains("--timeout=soon", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private async Task AcceptForeverAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_accepted)
                _accepted.Add(accepted);
        }
    }
}
