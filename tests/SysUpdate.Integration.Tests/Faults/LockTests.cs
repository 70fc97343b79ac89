using SysUpdate.Integration.Tests.Faults.Support;
using System.Security.Cryptography;
using SysUpdate.Core;
using SysUpdate.Core.Locking;
using SysUpdate.Core.Tests.Transport;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// The run lock between processes: two <c>update</c> runs of one file target against a slow server
/// install the published bytes once; a run that finds the target locked by another process for longer
/// than the wait fails with one line naming the target and the holder's pid; read-only verbs never
/// take the lock. Run as root (the lock directory is <c>/run/lock/sysupdate</c>).
/// </summary>
[Trait("Category", "Slow")]
public sealed class LockTests : IDisposable
{
    private readonly TempDirectory _tmp = new("sysupdate-lock-");
    private readonly SysUpdateProcess _sysupdate = new SysUpdateProcess().WithEnvironment("SYSTEMD_LOG_LEVEL", "err");

    public void Dispose() => _tmp.Dispose();

    private string WriteDefinitions(Uri source)
    {
        string root = _tmp.Dir("root");
        File.WriteAllText(Path.Combine(_tmp.Dir("root", "etc", "sysupdate.d"), "10-app.transfer"), $"""
            [Source]
            Type=url-file
            Path={source}
            MatchPattern=app-@v.bin

            [Target]
            Type=regular-file
            Path=/opt/app
            MatchPattern=app_@v.bin
            InstancesMax=3
            """);
        _tmp.Dir("root", "opt", "app");
        return root;
    }

    [Fact]
    public async Task Update_TwoConcurrentRunsOfOneFileTarget_OneDownloadAndThePublishedBytes()
    {
        await using var server = await TestHttpServer.StartAsync();
        string root = WriteDefinitions(server.BaseUrl);
        string target = Path.Combine(root, "opt", "app");
        var manifest = "";
        foreach (string version in (string[])["v1", "v2", "v3"])
        {
            var bytes = RandomNumberGenerator.GetBytes(256 * 1024);
            server.Serve($"/app-{version}.bin", bytes).HeaderDelay = TimeSpan.FromSeconds(2);
            manifest += $"{Convert.ToHexStringLower(SHA256.HashData(bytes))} *app-{version}.bin\n";
            server.Serve("/SHA256SUMS", System.Text.Encoding.ASCII.GetBytes(manifest));

            var first = _sysupdate.RunAsync($"--root={root}", "--verify=no", "update");
            await WaitUntilAsync(() => server.RequestCount($"/app-{version}.bin") >= 1, first);
            var second = _sysupdate.RunAsync($"--root={root}", "--verify=no", "update");

            (await first).ShouldExit(0);
            (await second).ShouldExit(0);
            Assert.Equal(1, server.RequestCount($"/app-{version}.bin"));
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(target, $"app_{version}.bin")));
            Assert.Empty(Directory.GetFiles(target, ".sysupdate.*"));
        }
    }

    [Fact]
    public async Task Update_TargetLockedByAnotherProcess_FailsWithOneLineNamingThePid_ReadOnlyVerbsDoNotWait()
    {
        string source = _tmp.Dir("source");
        var bytes = RandomNumberGenerator.GetBytes(4096);
        File.WriteAllBytes(Path.Combine(source, "app-v1.bin"), bytes);
        File.WriteAllText(Path.Combine(source, "SHA256SUMS"), $"{Convert.ToHexStringLower(SHA256.HashData(bytes))} *app-v1.bin\n");
        string root = WriteDefinitions(new Uri("file://" + source));
        string target = Path.Combine(root, "opt", "app");

        // This test process is "the other run": it holds the target's lock as sysupdate would.
        using (await RunLockSet.AcquireAsync(RunLockDirectory.System, RunLockKey.ForDirectory(target), TimeSpan.Zero))
        {
            // Read-only verbs never take the lock: they would fail with "another update" if they did.
            (await _sysupdate.RunAsync($"--root={root}", "--verify=no", "list")).ShouldExit(0);
            (await _sysupdate.RunAsync($"--root={root}", "--verify=no", "check-new")).ShouldExit(0);

            var blocked = await _sysupdate.RunAsync($"--root={root}", "--verify=no", "update");

            RunAssert.Failed(blocked);
            string line = Assert.Single(blocked.ErrorLines);
            Assert.StartsWith($"another update of {target} is running (pid {Environment.ProcessId})", line, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(target));
        }

        (await _sysupdate.RunAsync($"--root={root}", "--verify=no", "update")).ShouldExit(0);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(target, "app_v1.bin")));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Task<ProcessResult> run)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (run.IsCompleted)
                Assert.Fail($"the first run ended before it downloaded anything\n{await run}");
            await Task.Delay(20, timeout.Token);
        }
    }
}
