using SysUpdate.Core.Config;

namespace SysUpdate.Core.Tests.Config;

/// <summary><c>Suggest=</c>/<c>SuggestOn…=</c> evaluation; the host's own files (machine-info, /sys) come from a temp directory.</summary>
public sealed class SuggestConditionsTests : IDisposable
{
    private readonly string _host = Directory.CreateTempSubdirectory("sysupdate-host-").FullName;

    public void Dispose() => Directory.Delete(_host, recursive: true);

    private HostIdentity Host => new("/nonexistent-root", _host);

    private void WriteHost(string relative, string text)
    {
        string path = Path.Combine(_host, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private SuggestState Evaluate(bool? suggest, params (string, string)[] conditions) =>
        SuggestConditions.Evaluate(suggest, conditions, Host);

    [Theory]
    [InlineData(true, "Suggested")]
    [InlineData(false, "NotSuggested")]
    public void Evaluate_SuggestSet_WinsOverConditions(bool suggest, string expected) =>
        Assert.Equal(Enum.Parse<SuggestState>(expected), Evaluate(suggest, ("SuggestOnFirmware", "smbios-field(malformed)")));

    [Fact]
    public void Evaluate_NoConditions_NotSuggested() => Assert.Equal(SuggestState.NotSuggested, Evaluate(null));

    [Theory]
    [InlineData("smbios-field(malformed)")]
    [InlineData("smbios-field()")]
    [InlineData("smbios-field(= x)")]
    public void Evaluate_MalformedSmbiosField_Invalid(string value) =>
        Assert.Equal(SuggestState.Invalid, Evaluate(null, ("SuggestOnFirmware", value)));

    [Theory]
    [InlineData("smbios-field(board_vendor = ACME)", "Suggested")]
    [InlineData("smbios-field(board_vendor != ACME)", "NotSuggested")]
    [InlineData("smbios-field(board_vendor $= AC*)", "Suggested")]
    [InlineData("smbios-field(bios_version >= 1.10)", "Suggested")]
    [InlineData("smbios-field(bios_version < 1.9)", "NotSuggested")]
    [InlineData("smbios-field(product_name = x)", "NotSuggested")]
    [InlineData("unknown-firmware", "NotSuggested")]
    public void Evaluate_SmbiosField_ComparesDmiValue(string value, string expected)
    {
        WriteHost("sys/class/dmi/id/board_vendor", "ACME\n");
        WriteHost("sys/class/dmi/id/bios_version", "1.10\n");

        Assert.Equal(Enum.Parse<SuggestState>(expected), Evaluate(null, ("SuggestOnFirmware", value)));
    }

    [Theory]
    [InlineData("TAGS=sysupdate-test-tag:another\n", "Suggested")]
    [InlineData("TAGS=\"another:sysupdate-test-tag\"\n", "Suggested")]
    [InlineData("TAGS=some-other-tag\n", "NotSuggested")]
    [InlineData("PRETTY_HOSTNAME=x\n", "NotSuggested")]
    public void Evaluate_MachineTag_ReadsHostMachineInfoTags(string machineInfo, string expected)
    {
        WriteHost("etc/machine-info", machineInfo);

        Assert.Equal(Enum.Parse<SuggestState>(expected), Evaluate(null, ("SuggestOnMachineTag", "sysupdate-test-tag")));
    }

    [Fact]
    public void Evaluate_MachineTagWithoutMachineInfo_NotSuggested() =>
        Assert.Equal(SuggestState.NotSuggested, Evaluate(null, ("SuggestOnMachineTag", "sysupdate-test-tag")));

    [Fact]
    public void Evaluate_MalformedAmongTriggeringConditions_Invalid()
    {
        WriteHost("etc/machine-info", "TAGS=a\n");

        Assert.Equal(SuggestState.Invalid, Evaluate(null, ("SuggestOnMachineTag", "|a"), ("SuggestOnFirmware", "|smbios-field(x)")));
    }
}
