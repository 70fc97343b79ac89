using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests;

/// <summary>
/// <c>enable-component</c>/<c>disable-component</c>, the component and feature selection switches and
/// the refusals systemd 262.1's TEST-72 checks, run against a <c>--root</c> tree with the real binary.
/// </summary>
public sealed class ComponentVerbTests : IDisposable
{
    private readonly TempDirectory _tmp = new();
    private readonly SysUpdateProcess _sysupdate = new();

    public ComponentVerbTests()
    {
        foreach (var c in new[] { "compx", "compy" })
        {
            Write($"run/sysupdate.{c}.d/01-{c}.transfer", Transfer(c, $"/target-{c}"));
            Directory.CreateDirectory(_tmp.Combine($"target-{c}"));
            File.WriteAllText(Path.Combine(_tmp.Dir("source"), $"{c}-v1.bin"), c);
        }
    }

    public void Dispose() => _tmp.Dispose();

    private string Root => "--root=" + _tmp.Path;

    private void Write(string relative, string text)
    {
        string path = _tmp.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string Transfer(string pattern, string target, string feature = "") =>
        (feature.Length > 0 ? $"[Transfer]\nFeatures={feature}\n\n" : "")
        + $"[Source]\nType=regular-file\nPath=/source\nMatchPattern={pattern}-@v.bin\n\n[Target]\nType=regular-file\nPath={target}\nMatchPattern={pattern}-@v.bin\nInstancesMax=2\n";

    private string DropIn(string component) =>
        _tmp.Combine("etc", $"sysupdate.{component}.component.d", "50-systemd-sysupdate-enabled.conf");

    private Task<ProcessResult> Run(params string[] args) => _sysupdate.RunAsync([Root, .. args]);

    [Fact]
    public async Task DisableComponent_ThenUpdate_RefusedUntilReenabledWithComponentSwitch()
    {
        (await Run("disable-component", "compx")).ShouldExit(0);
        Assert.Equal("# Generated via 'systemd-sysupdate disable-component'\n\n[Component]\nEnabled=no\n", File.ReadAllText(DropIn("compx")));

        var refused = (await Run("--component=compx", "update")).ShouldExit(1);
        Assert.Equal(["Component is disabled."], refused.ErrorLines);
        Assert.False(File.Exists(_tmp.Combine("target-compx", "compx-v1.bin")));

        var enabled = (await Run("--component=compx", "enable-component")).ShouldExit(0);
        Assert.Contains("Component 'compx' enabled.", enabled.StandardError, StringComparison.Ordinal);
        Assert.Contains("Enabled=yes\n", File.ReadAllText(DropIn("compx")), StringComparison.Ordinal);
        (await Run("--component=compx", "update")).ShouldExit(0);
        Assert.True(File.Exists(_tmp.Combine("target-compx", "compx-v1.bin")));

        // The drop-in directory sysupdate.compx.component.d must not turn into a component of its own.
        var json = (await Run("--json=short", "components")).ShouldExit(0);
        Assert.Equal("""{"default":false,"components":["compx","compy"]}""", json.StandardOutput.TrimEnd('\n'));
    }

    [Theory]
    [InlineData("not both", "--component=compx", "enable-component", "compx")]
    [InlineData("Component name invalid: ../nope", "enable-component", "../nope")]
    [InlineData("Component not found: doesnotexist", "enable-component", "doesnotexist")]
    [InlineData("not supported", "--feature-all", "enable-component", "compx")]
    [InlineData("No component specified.", "disable-component")]
    public async Task EnableComponent_BadSelection_RefusedWithUpstreamWordingAndNothingWritten(string expected, params string[] args)
    {
        var run = (await Run(args)).ShouldExit(1);

        Assert.Contains(expected, run.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_tmp.Combine("etc")));
    }

    [Fact]
    public async Task EnableComponent_WithDefinitions_MayNotBeCombined()
    {
        var run = (await _sysupdate.RunAsync("--definitions=" + _tmp.Path, "enable-component", "compx")).ShouldExit(1);

        Assert.Equal(["The --definitions= switch may not be combined with 'enable-component'."], run.ErrorLines);
    }

    [Fact]
    public async Task ComponentAll_DisableThenEnable_WritesEveryComponent()
    {
        (await Run("--component-all", "disable-component")).ShouldExit(0);
        Assert.Contains("Enabled=no\n", File.ReadAllText(DropIn("compx")), StringComparison.Ordinal);
        Assert.Contains("Enabled=no\n", File.ReadAllText(DropIn("compy")), StringComparison.Ordinal);

        (await Run("--component-all", "enable-component")).ShouldExit(0);
        Assert.Contains("Enabled=yes\n", File.ReadAllText(DropIn("compx")), StringComparison.Ordinal);
        Assert.Contains("Enabled=yes\n", File.ReadAllText(DropIn("compy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComponentSuggested_SuggestYesNoAndMalformed_PicksOnlySuggested()
    {
        Write("run/sysupdate.compx.component", "[Component]\nSuggest=yes\n");
        Write("run/sysupdate.compy.component", "[Component]\nSuggestOnFirmware=smbios-field(malformed)\n");

        var run = (await Run("--component-suggested", "enable-component")).ShouldExit(0);

        Assert.Contains("Failed to determine whether 'compy' is suggested, skipping: Invalid argument", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("Enabled=yes\n", File.ReadAllText(DropIn("compx")), StringComparison.Ordinal);
        Assert.False(File.Exists(DropIn("compy")));
    }

    [Fact]
    public async Task UpdateComponentAll_OneDisabled_SkipsItAndUpdatesTheRest()
    {
        (await Run("disable-component", "compy")).ShouldExit(0);

        (await Run("--component-all", "update")).ShouldExit(0);

        Assert.True(File.Exists(_tmp.Combine("target-compx", "compx-v1.bin")));
        Assert.False(File.Exists(_tmp.Combine("target-compy", "compy-v1.bin")));
    }

    [Theory]
    [InlineData("may not be combined", "--component=compx", "update", "--reboot")]
    [InlineData("not supported", "--component-suggested", "update")]
    [InlineData("not supported", "--component-all", "vacuum")]
    [InlineData("not supported", "--component-suggested", "enable-feature", "feata")]
    public async Task ComponentSwitches_WhereUpstreamRefuses_Refused(string expected, params string[] args)
    {
        var run = (await _sysupdate.RunAsync(args)).ShouldExit(1);

        Assert.Contains(expected, run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnableFeature_ComponentAllFeatureAll_IncludesDefaultWhoseTransfersAreAllFeatureGated()
    {
        Write("etc/sysupdate.d/50-feata.transfer", Transfer("feata", "/target-default", "feata"));
        Write("etc/sysupdate.d/feata.feature", "[Feature]\nDescription=Feature A\n");
        Write("run/sysupdate.compx.d/featx.feature", "[Feature]\nDescription=Component X feature\n");

        (await Run("--component-all", "enable-feature", "--feature-all")).ShouldExit(0);

        Assert.Contains("Enabled=yes\n", File.ReadAllText(_tmp.Combine("etc/sysupdate.d/feata.feature.d/50-systemd-sysupdate-enabled.conf")), StringComparison.Ordinal);
        Assert.Contains("Enabled=yes\n", File.ReadAllText(_tmp.Combine("etc/sysupdate.compx.d/featx.feature.d/50-systemd-sysupdate-enabled.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnableFeature_FeatureSuggested_SkipsMalformedAndUnsuggested()
    {
        Write("etc/sysupdate.d/01-base.transfer", Transfer("compx", "/target-compx"));
        Write("etc/sysupdate.d/feata.feature", "[Feature]\nSuggest=yes\n");
        Write("etc/sysupdate.d/featb.feature", "[Feature]\nSuggest=no\n");
        Write("etc/sysupdate.d/featd.feature", "[Feature]\nSuggestOnFirmware=smbios-field(malformed)\n");

        (await Run("enable-feature", "--feature-suggested")).ShouldExit(0);

        string Feature(string f) => _tmp.Combine($"etc/sysupdate.d/{f}.feature.d/50-systemd-sysupdate-enabled.conf");
        Assert.True(File.Exists(Feature("feata")));
        Assert.False(File.Exists(Feature("featb")));
        Assert.False(File.Exists(Feature("featd")));
    }
}
