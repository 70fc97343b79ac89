using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Progress;

/// <summary>The real <c>sysupdate varlink --listen SOCKET</c> process, serving until disposed.</summary>
internal sealed class VarlinkListener : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private VarlinkListener(Process process, string socket)
    {
        _process = process;
        Socket = socket;
    }

    public string Socket { get; }

    public string StandardError
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    public static async Task<VarlinkListener> StartAsync(SysUpdateProcess sysupdate, string socket, params string[] globalArgs)
    {
        var process = Process.Start(sysupdate.CreateStartInfo([.. globalArgs, "varlink", "--listen", socket]))
                      ?? throw new InvalidOperationException("could not start sysupdate varlink");
        var listener = new VarlinkListener(process, socket);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (listener._stderr)
                    listener._stderr.Append(e.Data).Append('\n');
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var hang = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited || hang.Elapsed > WatchedRun.HangTimeout)
            {
                await listener.DisposeAsync();
                throw new InvalidOperationException($"sysupdate varlink did not serve {socket}:\n{listener.StandardError}");
            }
            if (File.Exists(socket))
            {
                try
                {
                    using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await probe.ConnectAsync(new UnixDomainSocketEndPoint(socket));
                    return listener;
                }
                catch (SocketException)
                {
                }
            }
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(WatchedRun.HangTimeout);
        }
        _process.Dispose();
    }
}
