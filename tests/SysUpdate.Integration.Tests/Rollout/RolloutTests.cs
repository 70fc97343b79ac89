using System.Text.Json;
using SysUpdate.Core.Planning;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Rollout;

/// <summary>
/// Staged rollout through the published binary against a real HTTP server on 127.0.0.1: the manifest lists
/// uki-v1 and uki-v2 and <c>ROLLOUT-v2=25</c>; the machine ID in <c>ROOT/etc/machine-id</c> decides whether v2 is
/// offered. v1 is installed, so "nothing new" is what a machine outside the share sees.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class RolloutTests(HttpImages images)
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const int QuarterBasisPoints = 2500;

    /// <summary>Machine IDs of a fixed fleet (SHA-256 of a counter, 32 hex digits).</summary>
    private static IEnumerable<string> Fleet() => Enumerable.Range(0, 10_000)
        .Select(i => HttpBench.Sha256(System.Text.Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))[..32]);

    private static readonly string Outside = Fleet().First(id => RolloutGate.Bucket(id, "v2") >= QuarterBasisPoints);
    private static readonly string Inside = Fleet().First(id => RolloutGate.Bucket(id, "v2") < QuarterBasisPoints);

    [Fact]
    public async Task CheckNewAndUpdate_MachineOutsideShare_NothingNewNothingFetched()
    {
        await using var bench = await SetUpAsync(Outside);

        var check = await bench.RunAsync("check-new");
        check.ShouldExit(1);
        Assert.Equal("", check.StandardOutput);
        (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(["uki_v1.efi"], Payloads.Names(Target(bench)));
        Assert.Empty(bench.Requests("uki-v2.efi"));
    }

    [Fact]
    public async Task CheckNewAndUpdate_MachineInsideShare_Updates()
    {
        await using var bench = await SetUpAsync(Inside);

        var check = (await bench.RunAsync("check-new")).ShouldExit(0);
        Assert.Equal("v2", check.StandardOutput.Trim());
        (await bench.RunAsync("update")).ShouldExit(0);

        Payloads.AssertSameFile(images.Path("uki-v2.efi"), Path.Combine(Target(bench), "uki_v2.efi"));
    }

    [Fact]
    public async Task Update_RaisedTo100Percent_MachineOutsideQuarterUpdates()
    {
        await using var bench = await SetUpAsync(Outside, share: "100");

        (await bench.RunAsync("update")).ShouldExit(0);

        Payloads.AssertSameFile(images.Path("uki-v2.efi"), Path.Combine(Target(bench), "uki_v2.efi"));
    }

    [Theory]
    [InlineData("option")]
    [InlineData("environment")]
    public async Task Update_RolloutIgnored_MachineOutsideShareUpdates(string how)
    {
        await using var bench = await SetUpAsync(Outside);
        if (how == "environment")
            bench.SysUpdate.WithEnvironment(RolloutPolicyText.EnvironmentVariable, "ignore");

        var check = (await bench.RunAsync(how == "option" ? ["--rollout=ignore", "check-new"] : ["check-new"])).ShouldExit(0);
        Assert.Equal("v2", check.StandardOutput.Trim());
        (await bench.RunAsync(how == "option" ? ["--rollout=ignore", "update"] : ["update"])).ShouldExit(0);

        Payloads.AssertSameFile(images.Path("uki-v2.efi"), Path.Combine(Target(bench), "uki_v2.efi"));
    }

    [Fact]
    public async Task Update_ExplicitVersion_MachineOutsideShareUpdates()
    {
        await using var bench = await SetUpAsync(Outside);

        (await bench.RunAsync("update", "v2")).ShouldExit(0);

        Payloads.AssertSameFile(images.Path("uki-v2.efi"), Path.Combine(Target(bench), "uki_v2.efi"));
    }

    [Fact]
    public async Task List_MachineOutsideShare_ShowsHeldBackState()
    {
        await using var bench = await SetUpAsync(Outside);

        var table = (await bench.RunAsync("list")).ShouldExit(0);
        var row = table.StandardOutput.Split('\n').Single(l => l.Contains("v2", StringComparison.Ordinal));
        Assert.Contains("held back by rollout (25 %)", row, StringComparison.Ordinal);

        var json = (await bench.RunAsync("list", "--json=short")).ShouldExit(0);
        using var doc = JsonDocument.Parse(json.StandardOutput);
        Assert.Equal(["v2"], doc.RootElement.GetProperty("heldBackByRollout").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("v1", doc.RootElement.GetProperty("current").GetString());

        var detail = (await bench.RunAsync("list", "v2", "--json=short")).ShouldExit(0);
        using var one = JsonDocument.Parse(detail.StandardOutput);
        Assert.Equal(25m, one.RootElement.GetProperty("rolloutPercent").GetDecimal());
        Assert.True(one.RootElement.GetProperty("heldBackByRollout").GetBoolean());
    }

    [Fact]
    public async Task CheckNew_NoMachineId_WaitsWithOneWarning()
    {
        await using var bench = await SetUpAsync(machineId: null);

        var check = await bench.RunAsync("check-new");

        check.ShouldExit(1);
        Assert.Equal("", check.StandardOutput);
        Assert.Contains(check.ErrorLines, l => l.Contains(bench.InRoot("/etc/machine-id"), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ROLLOUT-v2-25")]
    [InlineData("ROLLOUT-v2=250")]
    [InlineData("ROLLOUT-v2=12.345")]
    public async Task Update_MalformedRolloutEntry_OneLineErrorNamingManifestLine(string name)
    {
        await using var bench = await SetUpAsync(Inside, rolloutLine: $"{EmptySha256} *{name}\n");

        foreach (var verb in new[] { "update", "check-new" })
            HttpBench.AssertOneLineError(await bench.RunAsync(verb), bench.ManifestUrl + ":3: ", name);

        Assert.Empty(bench.Requests("uki-v2.efi"));
        Assert.Equal(["uki_v1.efi"], Payloads.Names(Target(bench)));
    }

    [Fact]
    public async Task Update_TwoRolloutEntriesForOneVersion_Refused()
    {
        await using var bench = await SetUpAsync(Inside,
            rolloutLine: $"{EmptySha256} *ROLLOUT-v2=25\n{EmptySha256} *ROLLOUT-v2=50\n");

        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.ManifestUrl + ":4: ", "v2");
        Assert.Equal(["uki_v1.efi"], Payloads.Names(Target(bench)));
    }

    private static string Target(HttpBench bench) => bench.InRoot("/var/lib/uki");

    private async Task<HttpBench> SetUpAsync(string? machineId, string share = "25", string? rolloutLine = null)
    {
        var bench = await HttpBench.StartAsync(images);
        bench.WriteTransfer("10-uki.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path=/var/lib/uki
            MatchPattern=uki_@v.efi
            """);
        if (machineId is not null)
            File.WriteAllText(bench.InRoot("/etc/machine-id"), machineId + "\n");
        Directory.CreateDirectory(Target(bench));
        File.Copy(images.Path("uki-v1.efi"), Path.Combine(Target(bench), "uki_v1.efi"));
        bench.PublishWithManifest(["uki-v1.efi", "uki-v2.efi"], rolloutLine ?? $"{EmptySha256} *ROLLOUT-v2={share}\n");
        return bench;
    }
}
