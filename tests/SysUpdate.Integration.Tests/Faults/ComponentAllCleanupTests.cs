using System.Security.Cryptography;
using System.Text;
using SysUpdate.Core.Disk;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// <c>update --component-all --cleanup=yes</c>, what <c>sysupdate-update.service</c> runs, when a source
/// or device cannot be reached: a <c>file://</c> source whose SHA256SUMS is gone, another transfer's
/// disk image missing, a signed manifest changed after signing. Each time something was installed
/// first (so the install database below <c>--root</c> has records); the run must fail (exit ≠ 0) with
/// one line naming what is missing and no stack trace, and every installed file must still be there,
/// byte-identical — cleanup may only act on definitions that were read successfully.
/// </summary>
public sealed class ComponentAllCleanupTests : IDisposable
{
    private const string Images = "/var/lib/images";
    private const string Uki = "/var/lib/uki";

    private readonly TempDirectory _tmp = new("sysupdate-cleanup-");
    private readonly string _root;
    private readonly SysUpdateProcess _sysupdate;

    public ComponentAllCleanupTests()
    {
        _root = _tmp.Dir("root");
        _tmp.Dir("root", "etc", "sysupdate.d");
        _sysupdate = new SysUpdateProcess()
            .WithEnvironment("SYSTEMD_LOG_LEVEL", "warning")
            .WithEnvironment("SYSTEMD_SYSUPDATE_NO_VERIFY", null)
            .WithEnvironment("SYSUPDATE_CACHE_DIRECTORY", _tmp.Dir("cache"));
    }

    [Fact]
    public async Task UpdateComponentAllCleanup_FileManifestMissing_FailsNamingItKeepsInstalledFiles()
    {
        string source = _tmp.Dir("mirror");
        WriteTransfer("10-usr.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path=file://{source}
            MatchPattern=usr-@v.raw

            [Target]
            Type=regular-file
            Path={Images}
            MatchPattern=usr_@v.raw
            """);
        PublishWithManifest(source, "usr-v1.raw");
        (await RunAsync("update")).ShouldExit(0);
        PublishWithManifest(source, "usr-v1.raw", "usr-v2.raw");
        (await RunAsync("update")).ShouldExit(0);
        var installed = Installed(InRoot(Images));
        Assert.Equal(2, installed.Count);

        File.Delete(Path.Combine(source, "SHA256SUMS"));
        var result = await RunAsync("update", "--component-all", "--cleanup=yes");

        AssertStillInstalled(installed, "after the run with the manifest missing", result);
        RunAssert.FailedWithOneLine(result, "a file:// source without SHA256SUMS", source + "/SHA256SUMS");
    }

    [Fact]
    public async Task UpdateComponentAllCleanup_OtherTransfersDiskImageMissing_FailsNamingItKeepsInstalledFiles()
    {
        string ukiSource = _tmp.Dir("root", "srv", "uki");
        string usrSource = _tmp.Dir("root", "srv", "usr");
        WriteTransfer("10-uki.transfer", $"""
            [Source]
            Type=regular-file
            Path=/srv/uki
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path={Uki}
            MatchPattern=uki_@v.efi
            """);
        WriteTransfer("20-usr.transfer", """
            [Source]
            Type=regular-file
            Path=/srv/usr
            MatchPattern=usr-@v.raw

            [Target]
            Type=partition
            Path=/disk.img
            MatchPattern=usr_@v
            MatchPartitionType=usr
            """);
        Assert.True(GptPartitionTypes.TryResolve("usr", out Guid usrType));
        string disk = InRoot("/disk.img");
        GptImageBuilder.Create(disk, 8 * 1024 * 1024,
            [new GptPartitionSpec(usrType, "_empty", 2 * 1024 * 1024), new GptPartitionSpec(usrType, "_empty", 2 * 1024 * 1024)]);
        foreach (var v in new[] { "v1", "v2" })
        {
            File.WriteAllBytes(Path.Combine(ukiSource, $"uki-{v}.efi"), RandomNumberGenerator.GetBytes(64 * 1024));
            File.WriteAllBytes(Path.Combine(usrSource, $"usr-{v}.raw"), RandomNumberGenerator.GetBytes(512 * 1024));
            (await RunAsync("update")).ShouldExit(0);
        }
        var installed = Installed(InRoot(Uki));
        Assert.Equal(2, installed.Count);

        // The disk is "not attached": the image file is elsewhere.
        File.Move(disk, _tmp.Combine("disk.img.detached"));
        var result = await RunAsync("update", "--component-all", "--cleanup=yes");

        AssertStillInstalled(installed, "after the run with the disk image missing", result);
        RunAssert.FailedWithOneLine(result, "another transfer's disk image missing", "/disk.img");
    }

    [GpgFact]
    public async Task UpdateComponentAllCleanup_TamperedSignedManifest_FailsNamingItKeepsInstalledFiles()
    {
        string source = _tmp.Dir("mirror");
        WriteTransfer("10-uki.transfer", $"""
            [Transfer]
            Verify=yes

            [Source]
            Type=url-file
            Path=file://{source}
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path={Uki}
            MatchPattern=uki_@v.efi
            """);
        string keyring = await MakeSigningKeyAsync();
        _sysupdate.WithEnvironment("SYSTEMD_OPENPGP_KEYRING", keyring);
        foreach (var files in new[] { new[] { "uki-v1.efi" }, ["uki-v1.efi", "uki-v2.efi"] })
        {
            PublishWithManifest(source, files);
            await SignAsync(Path.Combine(source, "SHA256SUMS"));
            (await RunAsync("update")).ShouldExit(0);
        }
        var installed = Installed(InRoot(Uki));
        Assert.Equal(2, installed.Count);

        // The manifest changes after signing (a v3 appears); PATH holds nothing, as no gpg is needed to notice.
        File.AppendAllText(Path.Combine(source, "SHA256SUMS"), new string('0', 64) + " *uki-v3.efi\n");
        _sysupdate.WithEnvironment("PATH", _tmp.Dir("empty-path"));
        var result = await RunAsync("update", "--component-all", "--cleanup=yes");

        AssertStillInstalled(installed, "after the run with a tampered manifest", result);
        RunAssert.FailedWithOneLine(result, "a signed manifest changed after signing", source + "/SHA256SUMS", "BAD signature");
    }

    public void Dispose()
    {
        string home = _tmp.Combine("gnupg");
        if (Directory.Exists(home))
            ExternalTool.KillGpgAgentAsync(home).GetAwaiter().GetResult();
        _tmp.Dispose();
    }

    private string InRoot(string absolute) => Path.Combine(_root, absolute.TrimStart('/'));

    private void WriteTransfer(string name, string text) => File.WriteAllText(Path.Combine(_root, "etc/sysupdate.d", name), text);

    private Task<ProcessResult> RunAsync(params string[] args) => _sysupdate.RunAsync(["--root=" + _root, .. args]);

    /// <summary>Writes each named payload (random, unless it exists) and a SHA256SUMS listing exactly them.</summary>
    private static void PublishWithManifest(string directory, params string[] names)
    {
        var manifest = new StringBuilder();
        foreach (var name in names)
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path))
                File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(64 * 1024));
            manifest.Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))).Append(" *").Append(name).Append('\n');
        }
        File.WriteAllText(Path.Combine(directory, "SHA256SUMS"), manifest.ToString());
    }

    /// <summary>Path → SHA-256 of every file in the directory.</summary>
    private static Dictionary<string, string> Installed(string directory) =>
        Directory.EnumerateFiles(directory).ToDictionary(p => p, p => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p))), StringComparer.Ordinal);

    /// <summary>Asserts every installed file is still there with its bytes (checked before the exit status: losing them is the worse failure).</summary>
    private static void AssertStillInstalled(Dictionary<string, string> installed, string because, ProcessResult run)
    {
        var lost = installed.Where(f => !File.Exists(f.Key) || Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f.Key))) != f.Value)
            .Select(f => File.Exists(f.Key) ? $"{f.Key} (changed)" : $"{f.Key} (removed)").ToList();
        Assert.True(lost.Count == 0, $"{because}: installed files lost: {string.Join(", ", lost)}\n{run}");
    }

    /// <summary>Makes a throw-away signing key; returns its public keyring (for SYSTEMD_OPENPGP_KEYRING).</summary>
    private async Task<string> MakeSigningKeyAsync()
    {
        string home = _tmp.Dir("gnupg");
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await ExternalTool.RunAsync("gpg", ["--homedir", home, "--batch", "--quiet", "--passphrase", "",
            "--quick-gen-key", "Fault test <faults@sysupdate.invalid>", "ed25519", "sign", "never"]);
        string keyring = _tmp.Combine("pubring.pgp");
        await ExternalTool.RunAsync("gpg", ["--homedir", home, "--batch", "--quiet", "--yes", "--output", keyring, "--export"]);
        return keyring;
    }

    private async Task SignAsync(string manifest) =>
        await ExternalTool.RunAsync("gpg", ["--homedir", _tmp.Combine("gnupg"), "--batch", "--quiet", "--yes", "--detach-sign",
            "--output", manifest + ".gpg", manifest]);
}
