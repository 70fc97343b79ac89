using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Transport;

/// <summary>
/// The published CLI against a server on 127.0.0.1 that sends as fast as it can: <c>--rate-limit=</c>,
/// <c>SYSTEMD_SYSUPDATE_RATE_LIMIT</c> and <c>[Source] RateLimit=</c> hold the download to the limit, shown by the
/// rate the CLI's own plain progress lines report (a wide band, ¼× to 4×, around the limit: the unlimited
/// loopback server is hundreds of times faster, so this is not a timing bound). Bad values fail with one line.
/// </summary>
public sealed partial class RateLimitTests
{
    private const long Limit = 1024 * 1024;
    private const int ImageSize = 4 * 1024 * 1024;
    private const long Unthrottled = 1L << 40;
    private const string Variable = "SYSTEMD_SYSUPDATE_RATE_LIMIT";

    private static async Task<FaultBench> StartBenchAsync(string keyLine = "")
    {
        var bench = await FaultBench.StartAsync(Unthrottled, logLevel: "info");
        bench.SysUpdate.WithEnvironment(Variable, null);
        bench.Publish("usr-1.raw", RandomNumberGenerator.GetBytes(ImageSize));
        bench.WriteTransfer("10-usr.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.Server.Url}
            MatchPattern=usr-@v.raw
            {keyLine}

            [Target]
            Type=regular-file
            Path=/var/lib/images
            MatchPattern=usr-@v.raw
            """);
        return bench;
    }

    [Theory]
    [InlineData("option", "1M", null, "")]
    [InlineData("environment", null, "1M", "")]
    [InlineData("key", null, null, "RateLimit=1M")]
    [InlineData("environment over key", null, "1M", "RateLimit=64K")]
    [InlineData("option over environment and key", "1M", "64K", "RateLimit=64K")]
    [InlineData("option over a bad environment value", "1M", "fast", "")]
    public async Task Update_RateLimited_ReportedRateNearTheLimit(string because, string? option, string? environment, string keyLine)
    {
        await using var bench = await StartBenchAsync(keyLine);
        bench.SysUpdate.WithEnvironment(Variable, environment);
        string[] args = option is null ? ["update"] : ["--rate-limit=" + option, "update"];

        var result = await bench.RunAsync(args);

        result.ShouldExit(0);
        Assert.True(File.Exists(bench.InRoot("/var/lib/images/usr-1.raw")), $"{because}: nothing installed\n{result}");
        var rated = result.ErrorLines.Select(l => CliLine().Match(l)).Where(m => m.Success)
            .Where(m => int.Parse(m.Groups["percent"].Value, CultureInfo.InvariantCulture) >= 25).ToList();
        Assert.True(rated.Count >= 2, $"{because}: too few progress lines with a rate past 25 %\n{result}");
        foreach (var line in rated)
        {
            double rate = Rate(line);
            Assert.True(rate >= Limit / 4.0 && rate <= Limit * 4.0,
                $"{because}: '{line.Value}' reports {rate:0} B/s, not within ¼× to 4× of the {Limit} B/s limit\n{result}");
        }
    }

    [Fact]
    public async Task Update_BadOption_OneLineNamingTheOption_NothingInstalled()
    {
        await using var bench = await StartBenchAsync();
        var result = await bench.RunAsync("--rate-limit=fast", "update");
        // A command-line error, as for every option: the one line, then the pointer to --help.
        RunAssert.FailedWithLines(result, "bad --rate-limit=", ["--rate-limit", "fast"], ["sysupdate --help"]);
        AssertNothingInstalled(bench);
        Assert.Equal(0, bench.Server.RequestCount);
    }

    [Fact]
    public async Task Update_BadEnvironment_OneLineNamingTheVariable_NothingInstalled()
    {
        await using var bench = await StartBenchAsync();
        bench.SysUpdate.WithEnvironment(Variable, "16 MB");
        var result = await bench.RunAsync("update");
        RunAssert.FailedWithOneLine(result, "bad " + Variable, Variable, "16 MB");
        AssertNothingInstalled(bench);
    }

    [Fact]
    public async Task Update_BadKey_OneLineNamingFileAndLine_NothingInstalled()
    {
        await using var bench = await StartBenchAsync("RateLimit=-1");
        var result = await bench.RunAsync("update");
        string transfer = Path.Combine(bench.Definitions, "10-usr.transfer");
        RunAssert.FailedWithOneLine(result, "bad RateLimit=", transfer + ":8", "RateLimit=");
        AssertNothingInstalled(bench);
        Assert.Equal(0, bench.Server.RequestCount);
    }

    private static void AssertNothingInstalled(FaultBench bench)
    {
        string images = bench.InRoot("/var/lib/images");
        Assert.True(!Directory.Exists(images) || Directory.GetFileSystemEntries(images).Length == 0,
            $"something was written to {images}");
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

    /// <summary>"10-usr: 40% (1.6M, 1.0 MiB/s, 0:03 left)".</summary>
    [GeneratedRegex(@"^10-usr: (?<percent>\d+)% \([0-9.]+[BKMG], (?<rate>\d+(\.\d)?) (?<unit>B|KiB|MiB|GiB)/s, \d+:\d\d(:\d\d)? left\)$")]
    private static partial Regex CliLine();
}
