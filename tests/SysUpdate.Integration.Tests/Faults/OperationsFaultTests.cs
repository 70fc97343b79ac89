using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// The timer's own command, <c>update --component-all --cleanup=yes</c>, against sources and targets
/// that fail: nothing installed is removed, the run exits non-zero, and each failure is one stderr
/// line. Also: a failed download keeps every installed version, and a partial left by a killed run
/// is redone while one that failed its hash is not.
/// </summary>
public sealed class OperationsFaultTests : IDisposable
{
    private readonly OperationsRoot _root = new();
    private readonly SysUpdateProcess _sysupdate = new SysUpdateProcess().WithEnvironment("SYSTEMD_LOG_LEVEL", "err");

    public void Dispose() => _root.Dispose();

    private Task<ProcessResult> RunAsync(params string[] args) => _sysupdate.RunAsync([$"--root={_root.Root}", "--verify=no", .. args]);

    private async Task InstallV1Async()
    {
        var v1 = _root.Publish("v1");
        (await RunAsync("update")).ShouldExit(0);
        Assert.Equal(v1, File.ReadAllBytes(_root.Installed("v1")));
    }

    [Fact]
    public async Task ComponentAllCleanup_FileManifestMissing_KeepsInstalledAndFails()
    {
        await InstallV1Async();
        File.Delete(Path.Combine(_root.Source, "SHA256SUMS"));

        var result = await RunAsync("update", "--component-all", "--cleanup=yes");

        RunAssert.Failed(result);
        Assert.Equal(_root.PublishedBytes("v1"), File.ReadAllBytes(_root.Installed("v1")));
        Assert.Single(result.ErrorLines);
        Assert.Contains("SHA256SUMS", result.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComponentAllCleanup_DiskImageMissing_KeepsInstalledAndFails()
    {
        await InstallV1Async();
        _root.WriteTransfer("20-usr.transfer", """
            [Source]
            Type=regular-file
            Path=/srv/images
            MatchPattern=usr-@v.raw

            [Target]
            Type=partition
            Path=/disk.img
            MatchPattern=usr_@v
            MatchPartitionType=usr-x86-64
            """);

        var result = await RunAsync("update", "--component-all", "--cleanup=yes");

        RunAssert.Failed(result);
        Assert.Equal(_root.PublishedBytes("v1"), File.ReadAllBytes(_root.Installed("v1")));
        Assert.Single(result.ErrorLines);
        Assert.Contains("disk.img", result.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComponentAllCleanup_GarbageSignatureNoGpgOnPath_KeepsInstalledAndFails()
    {
        await InstallV1Async();
        _root.Publish("v2");
        File.WriteAllText(Path.Combine(_root.Source, "SHA256SUMS.gpg"), "not an OpenPGP signature\n");
        Directory.CreateDirectory(Path.Combine(_root.Root, "etc", "systemd"));
        File.WriteAllText(Path.Combine(_root.Root, "etc", "systemd", "import-pubring.gpg"), "keyring\n");
        var emptyPath = _root.Scratch("empty-path");

        var result = await new SysUpdateProcess().WithEnvironment("SYSTEMD_LOG_LEVEL", "err").WithEnvironment("PATH", emptyPath)
            .RunAsync($"--root={_root.Root}", "update", "--component-all", "--cleanup=yes");

        RunAssert.Failed(result);
        Assert.Equal(_root.PublishedBytes("v1"), File.ReadAllBytes(_root.Installed("v1")));
        Assert.False(File.Exists(_root.Installed("v2")));
        Assert.Single(result.ErrorLines);
        Assert.Contains("SHA256SUMS.gpg: Signature verification failed", result.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComponentAllCleanup_ComponentFailsHostSucceeds_ExitsNonZeroAndKeepsComponentFiles()
    {
        await InstallV1Async();
        var componentDefinitions = Directory.CreateDirectory(Path.Combine(_root.Root, "etc", "sysupdate.extra.d")).FullName;
        var componentSource = _root.Scratch("component-source");
        File.WriteAllText(Path.Combine(componentDefinitions, "10-extra.transfer"), $"""
            [Source]
            Type=url-file
            Path=file://{componentSource}
            MatchPattern=extra-@v.bin

            [Target]
            Type=regular-file
            Path=/opt/extra
            MatchPattern=extra_@v.bin
            """);
        File.WriteAllBytes(Path.Combine(componentSource, "extra-v1.bin"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(componentSource, "SHA256SUMS"),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData((byte[])[1, 2, 3])) + " *extra-v1.bin\n");
        (await RunAsync("update", "--component-all")).ShouldExit(0);
        string extra = Path.Combine(_root.Root, "opt", "extra", "extra_v1.bin");
        Assert.True(File.Exists(extra));

        File.Delete(Path.Combine(componentSource, "SHA256SUMS"));
        _root.Publish("v2");
        var result = await RunAsync("update", "--component-all", "--cleanup=yes");

        RunAssert.Failed(result);
        Assert.True(File.Exists(extra), "a failed component must not lose its installed files");
        Assert.Equal(_root.PublishedBytes("v2"), File.ReadAllBytes(_root.Installed("v2")));
        Assert.Single(result.ErrorLines);
    }

    [Fact]
    public async Task ComponentAllCleanup_DisabledComponentAndNoHostDefinitions_AreSkipped()
    {
        await InstallV1Async();
        File.Delete(Path.Combine(_root.Definitions, "10-app.transfer"));
        // A disabled component whose source does not even exist: skipped, never loaded.
        var off = Directory.CreateDirectory(Path.Combine(_root.Root, "etc", "sysupdate.off.d")).FullName;
        File.WriteAllText(Path.Combine(off, "10-off.transfer"), "[Source]\nType=url-file\nPath=file:///nonexistent-sysupdate-source\nMatchPattern=off-@v.bin\n\n[Target]\nType=regular-file\nPath=/opt/off\nMatchPattern=off_@v.bin\n");
        File.WriteAllText(Path.Combine(_root.Root, "etc", "sysupdate.off.component"), "[Component]\nEnabled=no\n");

        var result = await RunAsync("update", "--component-all", "--cleanup=yes");

        result.ShouldExit(0);
        // The definitions were read and claim nothing any more: the install is an orphan now.
        Assert.False(File.Exists(_root.Installed("v1")));
    }

    [Fact]
    public async Task Update_HashMismatch_KeepsEveryInstalledVersion_ThenAsksForVacuum()
    {
        using var root = new OperationsRoot(instancesMax: 2);
        var sysupdate = new SysUpdateProcess().WithEnvironment("SYSTEMD_LOG_LEVEL", "err");
        Task<ProcessResult> Run(params string[] args) => sysupdate.RunAsync([$"--root={root.Root}", "--verify=no", .. args]);
        root.Publish("v1");
        (await Run("update")).ShouldExit(0);
        root.Publish("v2");
        (await Run("update")).ShouldExit(0);
        root.Publish("v3");
        root.Tamper("v3");

        var mismatch = await Run("update");

        RunAssert.Failed(mismatch);
        Assert.Single(mismatch.ErrorLines);
        Assert.Contains("SHA-256 mismatch", mismatch.ErrorLines[0], StringComparison.Ordinal);
        Assert.Equal(root.PublishedBytes("v1"), File.ReadAllBytes(root.Installed("v1")));
        Assert.Equal(root.PublishedBytes("v2"), File.ReadAllBytes(root.Installed("v2")));
        Assert.False(File.Exists(root.Installed("v3")));

        // As systemd 262.1: the broken partial stays until vacuumed, and update says so.
        var again = await Run("update");
        RunAssert.Failed(again);
        Assert.Equal("Selected update 'v3' is already acquired and partially installed. Vacuum it to try installing again.", Assert.Single(again.ErrorLines));
        Assert.True(File.Exists(root.Installed("v1")) && File.Exists(root.Installed("v2")));

        (await Run("vacuum")).ShouldExit(0);
        Assert.False(File.Exists(root.Partial("v3")));
        root.Publish("v3");
        (await Run("update")).ShouldExit(0);
        Assert.Equal(root.PublishedBytes("v3"), File.ReadAllBytes(root.Installed("v3")));
        Assert.Equal(root.PublishedBytes("v2"), File.ReadAllBytes(root.Installed("v2")));
        Assert.False(File.Exists(root.Installed("v1")), "InstancesMax=2: the oldest goes once v3 is installed");
    }

    [Fact]
    public async Task Update_PartialOfKilledRun_IsRedoneWithoutVacuum()
    {
        await InstallV1Async();
        var v2 = _root.Publish("v2");
        // What a run killed mid-download leaves: a partial file, its lock released by the kernel, no verdict.
        File.WriteAllBytes(_root.Partial("v2"), v2[..1000]);

        var result = await RunAsync("update");

        result.ShouldExit(0);
        Assert.Equal(v2, File.ReadAllBytes(_root.Installed("v2")));
        Assert.False(File.Exists(_root.Partial("v2")));
        Assert.Equal(_root.PublishedBytes("v1"), File.ReadAllBytes(_root.Installed("v1")));
    }
}
