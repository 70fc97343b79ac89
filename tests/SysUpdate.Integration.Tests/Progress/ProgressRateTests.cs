using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Packaging;
using SysUpdate.Integration.Tests.Support;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Integration.Tests.Progress;

/// <summary>
/// A real update from a server paced to <see cref="Throttle"/>: the smoothed rate and time left reach
/// every consumer — Varlink <c>Progress</c> (<c>bytesPerSecond</c>, <c>etaSeconds</c>), <c>updatectl
/// update</c>'s plain lines, <c>sd_notify</c> <c>STATUS=</c> and the CLI's own plain lines. The rate is
/// checked against a wide band around the throttle (¼× to 4×): a plausibility check, not a timing bound.
/// </summary>
public sealed partial class ProgressRateTests
{
    private const long Throttle = 1024 * 1024;
    private const int ImageSize = 4 * 1024 * 1024;
    private const string Target = "/var/lib/images";

    private static async Task<FaultBench> StartBenchAsync(string logLevel = "warning")
    {
        var bench = await FaultBench.StartAsync(Throttle, logLevel);
        bench.Publish("usr-1.raw", RandomNumberGenerator.GetBytes(ImageSize));
        bench.WriteTransfer("10-usr.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.Server.Url}
            MatchPattern=usr-@v.raw

            [Target]
            Type=regular-file
            Path={Target}
            MatchPattern=usr-@v.raw
            """);
        return bench;
    }

    private static void AssertPlausibleRate(double bytesPerSecond, string because) =>
        Assert.True(bytesPerSecond >= Throttle / 4.0 && bytesPerSecond <= Throttle * 4.0,
            $"{because}: {bytesPerSecond:0} B/s is not within ¼× to 4× of the server's {Throttle} B/s");

    [Fact]
    public async Task VarlinkUpdate_ThrottledServer_ProgressCarriesRateAndEtaCountingDown()
    {
        await using var bench = await StartBenchAsync();
        await using var listener = await VarlinkListener.StartAsync(bench.SysUpdate, bench.Combine("sysupdate.sock"), "--root=" + bench.Root);
        await using var client = await VarlinkClient.ConnectAsync(listener.Socket);

        var progress = new List<JsonElement>();
        string? version = null;
        await foreach (var reply in client.CallMoreAsync("io.systemd.SysUpdate.Update", new JsonObject { ["target"] = new JsonObject { ["class"] = "host" } }))
        {
            if (reply.TryGetProperty("progress", out var p))
                progress.Add(p.Clone());
            if (reply.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String)
                version = v.GetString();
        }
        Assert.True(version == "1", $"Update did not install 1\n{listener.StandardError}");

        var acquiring = progress.Where(p => p.GetProperty("phase").GetString() == "acquiring").ToList();
        Assert.DoesNotContain(progress.Where(p => p.GetProperty("phase").GetString() != "acquiring"), p => p.TryGetProperty("bytesPerSecond", out _));
        Assert.False(acquiring[0].TryGetProperty("bytesPerSecond", out _), "a rate before anything was measured");
        var measured = acquiring.Where(p => p.TryGetProperty("bytesPerSecond", out _)).ToList();
        Assert.True(measured.Count >= 3, $"only {measured.Count} progress replies carry a rate:\n{string.Join('\n', acquiring)}");

        foreach (var p in measured.Where(p => p.GetProperty("bytesDone").GetInt64() >= ImageSize / 4))
            AssertPlausibleRate(p.GetProperty("bytesPerSecond").GetInt64(), $"progress {p}");

        var etas = measured.Select(p => (Done: p.GetProperty("bytesDone").GetInt64(), Eta: p.GetProperty("etaSeconds").GetInt64())).ToList();
        Assert.Equal(ImageSize, etas[^1].Done);
        Assert.Equal(0, etas[^1].Eta);
        Assert.True(etas[0].Eta > etas[^1].Eta, $"ETA did not count down: {string.Join(", ", etas)}");
        // Counting down towards 0: every estimate is within the band's reach of the bytes still to come.
        foreach (var (done, eta) in etas)
            Assert.True(eta <= Math.Ceiling(4.0 * (ImageSize - done) / Throttle) + 1, $"ETA {eta} s with {ImageSize - done} bytes left: {string.Join(", ", etas)}");
        var secondHalf = etas.Where(e => e.Done >= ImageSize / 2).Select(e => e.Eta).ToList();
        Assert.True(secondHalf.Count == 0 || secondHalf.Max() < etas[0].Eta || etas[0].Eta <= 1, $"ETA did not fall: {string.Join(", ", etas)}");
    }

    [PublishedUpdateCtlFact]
    public async Task UpdateCtlUpdate_NotATerminal_PlainLinesWithRateAndTimeLeft()
    {
        await using var bench = await StartBenchAsync();
        await using var listener = await VarlinkListener.StartAsync(bench.SysUpdate, bench.Combine("sysupdate.sock"), "--root=" + bench.Root);

        var result = await new SysUpdateProcess(PublishedBinaries.UpdateCtl) { Timeout = WatchedRun.HangTimeout }
            .RunAsync("--socket=" + listener.Socket, "update", "host");

        result.ShouldExit(0);
        Assert.DoesNotContain("\x1b[", result.StandardError, StringComparison.Ordinal);
        var lines = result.StandardError.Split('\n').Where(l => l.StartsWith("host: acquiring", StringComparison.Ordinal)).ToList();
        var rated = lines.Select(l => UpdateCtlLine().Match(l)).Where(m => m.Success).ToList();
        Assert.True(rated.Count >= 2, $"too few plain lines with rate and time left:\n{result.StandardError}");
        foreach (var line in rated.Where(m => int.Parse(m.Groups["percent"].Value, CultureInfo.InvariantCulture) >= 25))
            AssertPlausibleRate(Rate(line), line.Value);
        Assert.Contains(rated, m => m.Groups["percent"].Value == "100" && m.Groups["left"].Value == "0:00");
    }

    [Fact]
    public async Task CliUpdate_WithNotifySocket_StatusAndPlainLinesCarryRateAndTimeLeft()
    {
        await using var bench = await StartBenchAsync(logLevel: "info");
        using var notify = new NotifySocket(bench.Combine("notify.sock"));

        var result = await bench.SysUpdate.WithEnvironment("NOTIFY_SOCKET", notify.Path).RunAsync(bench.Arguments("update"));
        result.ShouldExit(0);
        var messages = await notify.MessagesAsync(WatchedRun.HangTimeout);

        var statuses = messages.Select(m => StatusLine().Match(m)).Where(m => m.Success).ToList();
        Assert.True(statuses.Count >= 2, $"too few STATUS= with rate and time left:\n{string.Join("\n---\n", messages)}");
        foreach (var status in statuses.Where(m => int.Parse(m.Groups["percent"].Value, CultureInfo.InvariantCulture) >= 25))
            AssertPlausibleRate(Rate(status), status.Value);
        Assert.Contains(statuses, m => m.Groups["percent"].Value == "100" && m.Groups["left"].Value == "0:00");

        var cliLines = result.StandardError.Split('\n').Select(l => CliLine().Match(l)).Where(m => m.Success).ToList();
        Assert.True(cliLines.Count >= 2, $"too few plain progress lines with rate and time left:\n{result.StandardError}");
        foreach (var line in cliLines.Where(m => int.Parse(m.Groups["percent"].Value, CultureInfo.InvariantCulture) >= 25))
            AssertPlausibleRate(Rate(line), line.Value);
    }

    private static double Rate(Match m) =>
        double.Parse(m.Groups["rate"].Value, CultureInfo.InvariantCulture) * m.Groups["unit"].Value switch
        {
            "B" => 1,
            "KiB" => 1024,
            "MiB" => 1024 * 1024,
            "GiB" => 1024 * 1024 * 1024,
            _ => throw new FormatException(m.Value),
        };

    private const string RateAndLeft = @"(?<rate>\d+(\.\d)?) (?<unit>B|KiB|MiB|GiB)/s, (?<left>\d+:\d\d(:\d\d)?) left";

    /// <summary>"host: acquiring 1 10-usr 42% (1.0 MiB/s, 0:03 left)".</summary>
    [GeneratedRegex(@"^host: acquiring 1 10-usr (?<percent>\d+)% \(" + RateAndLeft + @"\)$")]
    private static partial Regex UpdateCtlLine();

    /// <summary>"STATUS=Updating to '1' (42% complete, 1.0 MiB/s, 0:03 left)."</summary>
    [GeneratedRegex(@"STATUS=Updating to '1' \((?<percent>\d+)% complete, " + RateAndLeft + @"\)\.")]
    private static partial Regex StatusLine();

    /// <summary>"10-usr: 40% (1.6M, 1.0 MiB/s, 0:03 left)".</summary>
    [GeneratedRegex(@"^10-usr: (?<percent>\d+)% \([0-9.]+[BKMG], " + RateAndLeft + @"\)$")]
    private static partial Regex CliLine();
}
