using System.Diagnostics;
using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Partitions;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Arm64;

/// <summary>
/// The linux-arm64 build, run under qemu-user, through a local update into a regular-file target (xz
/// sources: liblzma dlopened) and into the A/B slots of a GPT image file (zstd sources: libzstd):
/// list, update, vacuum. Each step's result is checked byte for byte, as the x64 tests do.
/// </summary>
public sealed class Arm64SmokeTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _tmp = new("sysupdate-arm64-");

    public void Dispose() => _tmp.Dispose();

    [Arm64Fact]
    public async Task FileTarget_ListUpdateVacuum_UnderQemu()
    {
        var clock = Stopwatch.StartNew();
        var sysupdate = QemuAarch64.CreateProcess(_tmp.Path);
        var definitions = _tmp.Dir("definitions");
        var source = _tmp.Dir("source");
        var raw = _tmp.Dir("raw");
        var target = _tmp.Dir("target");
        File.WriteAllText(Path.Combine(definitions, "10-uki.transfer"), $"""
            [Source]
            Type=regular-file
            Path={source}
            MatchPattern=uki-@v.efi.xz

            [Target]
            Type=regular-file
            Path={target}
            MatchPattern=uki_@v.efi
            """);
        Task<ProcessResult> Run(params string[] args) => sysupdate.RunAsync(["--definitions=" + definitions, .. args]);

        var payloads = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            payloads[version] = RandomNumberGenerator.GetBytes(256 * 1024);
            var plain = Path.Combine(raw, $"uki-{version}.efi");
            File.WriteAllBytes(plain, payloads[version]);
            File.WriteAllBytes(Path.Combine(source, $"uki-{version}.efi.xz"), Compressor.Compress(plain, "xz", "-q"));

            var list = (await Run("--json=short", "list")).ShouldExit(0);
            Assert.Contains($"\"{version}\"", list.StandardOutput, StringComparison.Ordinal);
            var update = (await Run("update")).ShouldExit(0);
            Assert.Contains($"Successfully installed update '{version}'", update.StandardError + update.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(payloads[version], File.ReadAllBytes(Path.Combine(target, $"uki_{version}.efi")));
        }
        Assert.Equal(["uki_v1.efi", "uki_v2.efi", "uki_v3.efi"], Payloads.Names(target));
        var current = (await Run("--offline", "--json=short", "list")).ShouldExit(0);
        Assert.Contains("\"current\":\"v3\"", current.StandardOutput, StringComparison.Ordinal);

        var vacuum = (await Run("--json=short", "-m", "2", "vacuum")).ShouldExit(0);
        Assert.Equal("""{"removed":1,"disabledTransfers":0}""", vacuum.StandardOutput.Trim());
        Assert.Equal(["uki_v2.efi", "uki_v3.efi"], Payloads.Names(target));
        Assert.Equal(payloads["v3"], File.ReadAllBytes(Path.Combine(target, "uki_v3.efi")));
        output.WriteLine($"file target under qemu: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Arm64Fact]
    public async Task GptImage_ListUpdateVacuum_UnderQemu()
    {
        var clock = Stopwatch.StartNew();
        var sysupdate = QemuAarch64.CreateProcess(_tmp.Path);
        using var disk = new AbDisk(512);
        disk.WriteTransfers(usrSourceSuffix: ".raw.zst");
        Task<ProcessResult> Run(params string[] args) => sysupdate.RunAsync(["--definitions=" + disk.Definitions, .. args]);

        var v1 = PublishZstd(disk, "v1");
        (await Run("update")).ShouldExit(0);
        var v2 = PublishZstd(disk, "v2");
        var list = (await Run("--json=short", "list")).ShouldExit(0);
        Assert.Contains("\"v2\"", list.StandardOutput, StringComparison.Ordinal);
        (await Run("update")).ShouldExit(0);
        using (var gpt = disk.Open())
        {
            disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, "v1 under qemu");
            disk.AssertInstalled(gpt, v2, AbDisk.UsrB, AbDisk.VerityB, "v2 under qemu");
            disk.AssertEspUntouched(gpt, "update under qemu");
        }
        disk.AssertTablesAgree("update under qemu", output.WriteLine);
        list = (await Run("--offline", "--json=short", "list")).ShouldExit(0);
        Assert.Contains("\"current\":\"v2\"", list.StandardOutput, StringComparison.Ordinal);

        var vacuum = (await Run("--json=short", "-m", "1", "vacuum")).ShouldExit(0);
        Assert.Equal("""{"removed":1,"disabledTransfers":0}""", vacuum.StandardOutput.Trim());
        using (var gpt = disk.Open())
        {
            Assert.Equal("_empty", gpt.FindPartition(AbDisk.UsrA)!.Name);
            Assert.Equal("_empty", gpt.FindPartition(AbDisk.VerityA)!.Name);
            disk.AssertInstalled(gpt, v2, AbDisk.UsrB, AbDisk.VerityB, "v2 after vacuum under qemu");
            disk.AssertEspUntouched(gpt, "vacuum under qemu");
        }
        disk.AssertTablesAgree("vacuum under qemu", output.WriteLine);
        output.WriteLine($"GPT image under qemu: {clock.Elapsed.TotalSeconds:F1} s");
    }

    private Release PublishZstd(AbDisk disk, string version)
    {
        var release = disk.Publish(version);
        var plain = Path.Combine(disk.Source, $"usr-{version}.raw");
        File.WriteAllBytes(plain + ".zst", Compressor.Compress(plain, "zstd", "-q"));
        File.Delete(plain);
        return release;
    }
}
