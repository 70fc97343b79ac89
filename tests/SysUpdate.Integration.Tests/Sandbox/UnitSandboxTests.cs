using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SysUpdate.Core.Tests.Transport;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Sandbox;

/// <summary>
/// The published binary under the sandboxing of the units that start it: systemd 262.1's own
/// <c>systemd-sysupdate@.service</c> and <c>systemd-sysupdate-update.service</c> (copied verbatim into
/// upstream-262.1/) as shipped, and with the drop-in packaging/systemd/50-sysupdate-dotnet.conf that a
/// ReadyToRun build needs, and our own units in src/units. The published x64 binary is NativeAOT: it makes
/// no code at run time, so upstream's MemoryDenyWriteExecute=yes holds. Every setting that needs no PID 1 is applied (MDWE through prctl,
/// NoNewPrivileges= and CapabilityBoundingSet= through setpriv, the seccomp-based ones through
/// libseccomp); <c>list</c> and <c>update</c> then fetch a small definition set over HTTP on 127.0.0.1.
/// </summary>
public sealed class UnitSandboxTests : IAsyncLifetime
{
    private readonly TempDirectory _tmp = new("sysupdate-sandbox-");
    private TestHttpServer _server = null!;
    private string _definitions = null!;
    private string _target = null!;

    public static TheoryData<string> UpstreamUnits => new() { "systemd-sysupdate@.service", "systemd-sysupdate-update.service" };

    public static TheoryData<string> OwnUnits => new() { "sysupdate@.service", "sysupdate-update.service" };

    public async Task InitializeAsync()
    {
        _server = await TestHttpServer.StartAsync();
        var sums = new StringBuilder();
        foreach (string version in (string[])["1", "2"])
        {
            byte[] content = Encoding.ASCII.GetBytes($"image {version}\n");
            _server.Serve($"/img_{version}.raw", content);
            sums.Append(Convert.ToHexStringLower(SHA256.HashData(content))).Append($"  img_{version}.raw\n");
        }
        _server.Serve("/SHA256SUMS", Encoding.ASCII.GetBytes(sums.ToString()));

        _definitions = _tmp.Dir("definitions");
        _target = _tmp.Dir("target");
        File.WriteAllText(Path.Combine(_definitions, "10-img.transfer"), $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={_server.BaseUrl}
            MatchPattern=img_@v.raw

            [Target]
            Type=regular-file
            Path={_target}
            MatchPattern=img_@v.raw
            """);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _tmp.Dispose();
    }

    [SandboxTheory]
    [MemberData(nameof(UpstreamUnits))]
    public async Task UpstreamUnit_AsShipped_ListsAndUpdatesUnderMemoryDenyWriteExecute(string unit)
    {
        var sandbox = UnitSandbox.Load(Upstream(unit));
        Assert.True(sandbox.MemoryDenyWriteExecute, $"262.1's {unit} no longer sets MemoryDenyWriteExecute=yes");

        await ListAndUpdateAsync(sandbox);
    }

    [SandboxTheory]
    [MemberData(nameof(UpstreamUnits))]
    public async Task UpstreamUnit_WithShippedDropIn_ListsAndUpdates(string unit)
    {
        var sandbox = UnitSandbox.Load(Upstream(unit), RepoLayout.Path("packaging/systemd/50-sysupdate-dotnet.conf"));

        await ListAndUpdateAsync(sandbox);
    }

    [SandboxTheory(FaultPrerequisites.SocketActivate)]
    [InlineData("upstream-262.1/systemd-sysupdate@.service", null)]
    [InlineData("src/units/sysupdate@.service", null)]
    public async Task VarlinkUnit_SocketActivated_AnswersCheckNew(string unit, string? dropIn)
    {
        string unitPath = unit.StartsWith("upstream", StringComparison.Ordinal) ? Path.Combine(SandboxLauncher.Directory, unit) : RepoLayout.Path(unit);
        var sandbox = dropIn is null ? UnitSandbox.Load(unitPath) : UnitSandbox.Load(unitPath, RepoLayout.Path(dropIn));
        // Upstream's unit starts the binary with no verb (socket activation alone selects Varlink); ours says "varlink".
        string[] verb = unit.StartsWith("upstream", StringComparison.Ordinal) ? [] : ["varlink"];
        string[] server = [.. new SandboxLauncher(sandbox).Arguments([$"--definitions={_definitions}", .. verb])];

        using var varlink = await SocketActivatedVarlink.StartAsync(SandboxLauncher.Process, _tmp.Combine("sysupdate.sock"), server);
        var reply = await varlink.CallAsync("io.systemd.SysUpdate.CheckNew", new JsonObject { ["target"] = new JsonObject { ["class"] = "host" } });

        Assert.True(reply.Error is null, $"{reply}\n{varlink.StandardError}");
        Assert.True(reply.Parameters["available"]?.GetValue<string>() == "2", reply.ToString());
    }

    [SandboxTheory]
    [MemberData(nameof(OwnUnits))]
    public async Task OwnUnit_ListsAndUpdates(string unit)
    {
        var sandbox = UnitSandbox.Load(RepoLayout.Path(Path.Combine("src/units", unit)));

        await ListAndUpdateAsync(sandbox);
    }

    private async Task ListAndUpdateAsync(UnitSandbox sandbox)
    {
        var launcher = new SandboxLauncher(sandbox);

        var list = (await launcher.RunAsync($"--definitions={_definitions}", "list", "--json=short")).ShouldExit(0);
        Assert.Contains("\"2\"", list.StandardOutput, StringComparison.Ordinal);
        (await launcher.RunAsync($"--definitions={_definitions}", "update")).ShouldExit(0);

        Assert.Equal("image 2\n", File.ReadAllText(Path.Combine(_target, "img_2.raw")));
        Assert.Equal(1, _server.RequestCount("/img_2.raw"));
    }

    private static string Upstream(string unit) => Path.Combine(SandboxLauncher.Directory, "upstream-262.1", unit);
}
