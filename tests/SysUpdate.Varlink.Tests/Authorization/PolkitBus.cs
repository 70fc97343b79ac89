using System.Collections.Concurrent;
using System.Diagnostics;

namespace SysUpdate.Varlink.Tests.Authorization;

/// <summary>
/// A private system-like bus (dbus-daemon with its own config, on a socket in a temp dir, everything
/// allowed) and, optionally, a real polkitd on it. polkitd runs in a private mount namespace where its
/// actions directory holds the host's actions plus our .policy, and its rules directories hold only
/// the test's rules: the host's polkit configuration is never touched.
/// </summary>
internal sealed class PolkitBus : IAsyncDisposable
{
    public const string DBusDaemon = "/usr/bin/dbus-daemon";
    public const string Polkitd = "/usr/lib/polkit-1/polkitd";
    public const string Unshare = "/usr/bin/unshare";
    private const string ActionsDirectory = "/usr/share/polkit-1/actions";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private readonly Process _bus;
    private readonly ConcurrentQueue<string> _polkitLog = new();
    private Process? _polkit;

    private PolkitBus(string directory, Process bus, string address)
    {
        _directory = directory;
        _bus = bus;
        Address = address;
    }

    /// <summary>The bus address, for DBUS_SYSTEM_BUS_ADDRESS.</summary>
    public string Address { get; }

    public string PolkitLog => string.Join('\n', _polkitLog);

    /// <summary>Starts the bus, and polkitd with <paramref name="rules"/> (JavaScript) unless it is null.</summary>
    public static async Task<PolkitBus> StartAsync(string? rules)
    {
        string directory = Directory.CreateTempSubdirectory("sysupdate-polkit-").FullName;
        // polkitd drops to its own user and must reach the socket, its actions and rules.
        File.SetUnixFileMode(directory, (UnixFileMode)0x1ED);
        string socket = Path.Combine(directory, "system_bus_socket");
        string config = Path.Combine(directory, "bus.conf");
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
              "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>system</type>
              <listen>unix:path={socket}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
            </busconfig>
            """);

        var start = new ProcessStartInfo(DBusDaemon, ["--config-file=" + config, "--print-address", "--nofork"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var bus = Process.Start(start)!;
        _ = bus.StandardError.ReadToEndAsync();
        string? address = await bus.StandardOutput.ReadLineAsync().WaitAsync(StartTimeout);
        if (string.IsNullOrEmpty(address))
        {
            bus.Kill();
            throw new InvalidOperationException($"dbus-daemon printed no address (exit {(bus.HasExited ? bus.ExitCode : -1)})");
        }

        var result = new PolkitBus(directory, bus, address.Trim());
        if (rules is not null)
            await result.StartPolkitAsync(rules);
        return result;
    }

    private async Task StartPolkitAsync(string rules)
    {
        string actions = Directory.CreateDirectory(Path.Combine(_directory, "actions")).FullName;
        foreach (string file in Directory.GetFiles(ActionsDirectory))
            File.Copy(file, Path.Combine(actions, Path.GetFileName(file)));
        string policy = Service.ServiceBinaries.RepositoryFile("src", "units", "org.freedesktop.sysupdate1.policy")
            ?? throw new InvalidOperationException("src/units/org.freedesktop.sysupdate1.policy not found");
        File.Copy(policy, Path.Combine(actions, Path.GetFileName(policy)), overwrite: true);
        string rulesDirectory = Directory.CreateDirectory(Path.Combine(_directory, "rules")).FullName;
        File.WriteAllText(Path.Combine(rulesDirectory, "50-sysupdate-test.rules"), rules);
        string empty = Directory.CreateDirectory(Path.Combine(_directory, "empty")).FullName;
        foreach (string path in (string[])[actions, rulesDirectory, empty])
            File.SetUnixFileMode(path, (UnixFileMode)0x1ED);

        // A second rules directory shipped by the distribution is hidden too, when there is one.
        string script = $"mount --bind '{actions}' {ActionsDirectory} && mount --bind '{rulesDirectory}' /etc/polkit-1/rules.d"
            + $" && {{ [ ! -d /usr/share/polkit-1/rules.d ] || mount --bind '{empty}' /usr/share/polkit-1/rules.d; }}"
            + $" && exec {Polkitd}";
        var start = new ProcessStartInfo(Unshare, ["--mount", "--propagation", "private", "/bin/sh", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DBUS_SYSTEM_BUS_ADDRESS"] = Address;
        var acquired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _polkit = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
                return;
            _polkitLog.Enqueue(e.Data);
            // polkitd says so once it owns org.freedesktop.PolicyKit1 on the bus.
            if (e.Data.Contains("Acquired the name org.freedesktop.PolicyKit1", StringComparison.Ordinal))
                acquired.TrySetResult();
        };
        _polkit.OutputDataReceived += onLine;
        _polkit.ErrorDataReceived += onLine;
        _polkit.Exited += (_, _) => acquired.TrySetException(new InvalidOperationException("polkitd exited: " + PolkitLog));
        _polkit.Start();
        _polkit.BeginOutputReadLine();
        _polkit.BeginErrorReadLine();
        await acquired.Task.WaitAsync(StartTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in (Process?[])[_polkit, _bus])
        {
            if (process is null)
                continue;
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            process.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }
}
