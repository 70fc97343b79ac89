using System.Net.Sockets;
using System.Text;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests;

/// <summary>
/// With <c>NOTIFY_SOCKET</c> set, <c>update</c> tells the service manager what it does, in upstream's
/// words: READY=1 with the version at the start, progress while acquiring, "Installed" at the end.
/// </summary>
public sealed class NotifyTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task Update_WithNotifySocket_SendsReadyProgressAndStatus()
    {
        string source = _tmp.Dir("source"), target = _tmp.Dir("target"), definitions = _tmp.Dir("definitions");
        File.WriteAllBytes(Path.Combine(source, "app-1.raw"), new byte[3 * 1024 * 1024]);
        File.WriteAllText(Path.Combine(source, "tool-1.bin"), "tool");
        foreach (var (name, pattern) in new[] { ("10-app", "app-@v.raw"), ("20-tool", "tool-@v.bin") })
        {
            File.WriteAllText(Path.Combine(definitions, name + ".transfer"), $"""
                [Source]
                Type=regular-file
                Path={source}
                MatchPattern={pattern}

                [Target]
                Type=regular-file
                Path={target}
                """);
        }

        using var notify = new NotifySocket(_tmp.Combine("notify.sock"));

        var result = await new SysUpdateProcess().WithEnvironment("NOTIFY_SOCKET", notify.Path)
            .RunAsync($"--definitions={definitions}", "update");
        result.ShouldExit(0);
        var messages = await notify.MessagesAsync(TimeSpan.FromMinutes(1));

        string all = string.Join("\n---\n", messages);
        Assert.StartsWith("READY=1\nX_SYSUPDATE_VERSION=1\nSTATUS=Making room for '1'.", messages[0], StringComparison.Ordinal);
        Assert.Contains("STATUS=Updating to '1'.", all, StringComparison.Ordinal);
        Assert.Contains(messages, m => m.StartsWith("X_SYSUPDATE_PROGRESS=", StringComparison.Ordinal)
                                       && m.Contains("X_SYSUPDATE_TRANSFERS_LEFT=", StringComparison.Ordinal)
                                       && m.Contains("% complete).", StringComparison.Ordinal));
        Assert.Contains("X_SYSUPDATE_TRANSFERS_DONE=1", all, StringComparison.Ordinal); // the second transfer started
        Assert.Contains("READY=1\nX_SYSUPDATE_VERSION=1\nSTATUS=Installing '1'.", all, StringComparison.Ordinal);
        Assert.Equal("STATUS=Installed '1'.", messages[^1]);
        var progress = messages.Where(m => m.StartsWith("X_SYSUPDATE_PROGRESS=", StringComparison.Ordinal))
            .Select(m => int.Parse(m["X_SYSUPDATE_PROGRESS=".Length..m.IndexOf('\n', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(progress.Order().ToList(), progress); // never goes backwards
        Assert.All(progress, p => Assert.InRange(p, 0, 100));
    }
}
