using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests;

/// <summary>
/// The story, run against the built CLI: versions v1…v5 appear one by one in a source folder
/// for a boot-counted file transfer and a directory transfer with a current symlink; a version one
/// transfer lacks is never offered; a deleted piece is repaired alone; a feature enabled by a drop-in
/// is filled in and removed again by vacuum once disabled.
/// </summary>
public sealed class StoryTests : IDisposable
{
    private const uint ReadOnlyMode = 0x124; // 0444

    private readonly TempDirectory _tmp = new();
    private readonly SysUpdateProcess _sysupdate = new();
    private readonly string _definitions;
    private readonly string _source;
    private readonly string _files;
    private readonly string _dirs;

    public StoryTests()
    {
        _definitions = _tmp.Dir("definitions");
        _source = _tmp.Dir("source");
        _files = _tmp.Dir("files");
        _dirs = _tmp.Dir("dirs");

        File.WriteAllText(Path.Combine(_definitions, "10-uki.transfer"), $"""
            [Source]
            Type=regular-file
            Path={_source}
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path={_files}
            MatchPattern=uki_@v+@l-@d.efi uki_@v+@l.efi uki_@v.efi
            Mode=0444
            """);
        File.WriteAllText(Path.Combine(_definitions, "20-tree.transfer"), $"""
            [Source]
            Type=directory
            Path={_source}
            MatchPattern=tree-@v

            [Target]
            Type=directory
            Path={_dirs}
            MatchPattern=tree-@v
            CurrentSymlink=current
            InstancesMax=3
            """);
        File.WriteAllText(Path.Combine(_definitions, "30-extra.transfer"), $"""
            [Transfer]
            Features=extra

            [Source]
            Type=regular-file
            Path={_source}
            MatchPattern=extra-@v.bin

            [Target]
            Type=regular-file
            Path={_files}
            MatchPattern=extra_@v.bin
            Mode=0444
            """);
        File.WriteAllText(Path.Combine(_definitions, "extra.feature"), """
            [Feature]
            Description=Extra payload
            """);
    }

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task Story_V1ToV5_UpdatesVacuumsSkipsRepairsAndFollowsFeature()
    {
        // v1…v3: each appears, is offered, installed, and then nothing is offered.
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            Publish(version);
            await AssertOffersAsync(version);
            await RunAsync("update");
            AssertInstalled(version);
            await AssertUpToDateAsync();
        }
        Assert.Equal(["uki_v1+3-0.efi", "uki_v2+3-0.efi", "uki_v3+3-0.efi"], Payloads.Names(_files));
        Assert.Equal(["current", "tree-v1", "tree-v2", "tree-v3"], Payloads.Names(_dirs));

        // v4 appears for the file transfer only: never offered, not even listed, and update is a no-op.
        Publish("v4", tree: false);
        await AssertUpToDateAsync();
        var list = await RunAsync("--json=short", "list");
        Assert.Equal("""{"current":"v3","all":["v3","v2","v1"],"appstreamUrls":[]}""", list.StandardOutput.Trim());
        var missing = (await _sysupdate.RunAsync("--definitions=" + _definitions, "list", "v4")).ShouldExit(1);
        Assert.Contains("Update 'v4' not found.", missing.StandardError, StringComparison.Ordinal);
        var before = TreeSnapshot.Take(_files, _dirs);
        await RunAsync("update");
        await RunAsync("acquire");
        before.AssertSameAs(TreeSnapshot.Take(_files, _dirs), "update/acquire with only a partial v4 on the server");

        // v5 is complete: v4 is skipped, v5 installed, and v1 (oldest beyond InstancesMax=3) removed
        // from both targets — the default for the file transfer, the configured one for the directory.
        Publish("v5");
        await AssertOffersAsync("v5");
        await RunAsync("update");
        AssertInstalled("v5");
        await AssertUpToDateAsync();
        Assert.Equal(["uki_v2+3-0.efi", "uki_v3+3-0.efi", "uki_v5+3-0.efi"], Payloads.Names(_files));
        Assert.Equal(["current", "tree-v2", "tree-v3", "tree-v5"], Payloads.Names(_dirs));
        list = await RunAsync("--json=short", "list");
        // v1 is still on the server (available), v4 is still incomplete there (absent).
        Assert.Equal("""{"current":"v5","all":["v5","v3","v2","v1"],"appstreamUrls":[]}""", list.StandardOutput.Trim());

        // Delete one installed piece: v5 is incomplete, re-offered, and only that piece comes back.
        Directory.Delete(Path.Combine(_dirs, "tree-v5"), recursive: true);
        var untouched = TreeSnapshot.Take(_files, Path.Combine(_dirs, "tree-v2"), Path.Combine(_dirs, "tree-v3"));
        var detail = await RunAsync("--offline", "list", "v5");
        Assert.Contains("State: current+incomplete", detail.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("(incomplete)", detail.StandardOutput, StringComparison.Ordinal);
        var detailJson = await RunAsync("--offline", "--json=short", "list", "v5");
        Assert.Contains("\"incomplete\":true", detailJson.StandardOutput, StringComparison.Ordinal);
        await AssertOffersAsync("v5");
        await RunAsync("update");
        Payloads.AssertSameTree(Path.Combine(_source, "tree-v5"), Path.Combine(_dirs, "tree-v5"));
        Assert.Equal("tree-v5", new FileInfo(Path.Combine(_dirs, "current")).LinkTarget);
        untouched.AssertSameAs(TreeSnapshot.Take(_files, Path.Combine(_dirs, "tree-v2"), Path.Combine(_dirs, "tree-v3")),
            "repairing v5's directory");
        await AssertUpToDateAsync();
        detailJson = await RunAsync("--offline", "--json=short", "list", "v5");
        Assert.Contains("\"incomplete\":false", detailJson.StandardOutput, StringComparison.Ordinal);

        // Enable the feature through a drop-in: v5 becomes incomplete, update fills in only the new transfer.
        var dropIn = Path.Combine(_definitions, "extra.feature.d");
        Payloads.WriteFile(Path.Combine(dropIn, "enable.conf"), "[Feature]\nEnabled=yes\n");
        detail = await RunAsync("--offline", "list", "v5");
        Assert.Contains("incomplete", detail.StandardOutput, StringComparison.Ordinal);
        untouched = TreeSnapshot.Take(_files, _dirs);
        await RunAsync("update");
        var extra = Path.Combine(_files, "extra_v5.bin");
        Payloads.AssertSameFile(Path.Combine(_source, "extra-v5.bin"), extra);
        Assert.Equal(ReadOnlyMode, FileIdentity.Of(extra).Permissions);
        var afterFill = TreeSnapshot.Take(_files, _dirs);
        Assert.Equal(untouched.Entries.Count + 1, afterFill.Entries.Count);
        foreach (var (path, description) in untouched.Entries.Where(e => !e.Key.EndsWith("/current", StringComparison.Ordinal)))
        {
            if (path != _files)
                Assert.Equal(description, afterFill.Entries[path]);
        }
        await AssertUpToDateAsync();
        detail = await RunAsync("--offline", "list", "v5");
        Assert.DoesNotContain("incomplete", detail.StandardOutput, StringComparison.Ordinal);

        // Disable it again: nothing to do for check-new, and vacuum removes the feature's file only.
        Directory.Delete(dropIn, recursive: true);
        await AssertUpToDateAsync();
        before = TreeSnapshot.Take(_dirs);
        var vacuum = await RunAsync("--json=short", "vacuum");
        // "removed" is the maximum over the enabled transfers (none had anything to remove, spec §8.2);
        // the disabled transfer that lost its instance is counted separately.
        Assert.Equal("""{"removed":0,"disabledTransfers":1}""", vacuum.StandardOutput.Trim());
        Assert.False(File.Exists(extra), "vacuum must remove the disabled feature's instance");
        Assert.Equal(["uki_v2+3-0.efi", "uki_v3+3-0.efi", "uki_v5+3-0.efi"], Payloads.Names(_files));
        before.AssertSameAs(TreeSnapshot.Take(_dirs), "vacuum after disabling a feature");
        AssertInstalled("v5");

        // A second vacuum finds nothing to remove.
        vacuum = await RunAsync("--json=short", "vacuum");
        Assert.Equal("""{"removed":0,"disabledTransfers":0}""", vacuum.StandardOutput.Trim());
    }

    [Fact]
    public async Task AcquireThenUpdateOffline_InstallsThePendingVersion()
    {
        Publish("v1");
        await RunAsync("update");
        Publish("v2");

        await RunAsync("acquire");
        Assert.Equal([".sysupdate.pending.uki_v2+3-0.efi", "uki_v1+3-0.efi"], Payloads.Names(_files));
        Assert.Equal([".sysupdate.pending.tree-v2", "current", "tree-v1"], Payloads.Names(_dirs));
        Assert.Equal("tree-v1", new FileInfo(Path.Combine(_dirs, "current")).LinkTarget);

        // The pending version is what check-new offers (it still has to be installed).
        await AssertOffersAsync("v2");
        var list = await RunAsync("--offline", "--json=short", "list");
        Assert.Equal("""{"current+pending":"v2","all":["v2","v1"],"appstreamUrls":[]}""", list.StandardOutput.Trim());
        var table = await RunAsync("--offline", "list");
        Assert.Contains("current+pending", table.StandardOutput, StringComparison.Ordinal);
        var detail = await RunAsync("--offline", "--json=short", "list", "v2");
        Assert.Contains("\"pending\":true", detail.StandardOutput, StringComparison.Ordinal);

        var pending = FileIdentity.Of(Path.Combine(_files, ".sysupdate.pending.uki_v2+3-0.efi"));
        await RunAsync("update", "--offline");
        AssertInstalled("v2");
        Assert.Equal(["uki_v1+3-0.efi", "uki_v2+3-0.efi"], Payloads.Names(_files));
        Assert.Equal(["current", "tree-v1", "tree-v2"], Payloads.Names(_dirs));
        // Installing is a rename, not a second copy.
        Assert.Equal(pending.Inode, FileIdentity.Of(Path.Combine(_files, "uki_v2+3-0.efi")).Inode);
        list = await RunAsync("--offline", "--json=short", "list");
        Assert.Equal("""{"current":"v2","all":["v2","v1"],"appstreamUrls":[]}""", list.StandardOutput.Trim());
        await AssertUpToDateAsync();
    }

    [Fact]
    public async Task BootCounting_FileRenamedByBootLoader_StillCountsAsInstalled()
    {
        Publish("v1");
        await RunAsync("update");
        var installed = Path.Combine(_files, "uki_v1+3-0.efi");

        // The boot loader counts a try (+2-1), then blesses the entry (counters dropped).
        foreach (var renamed in new[] { "uki_v1+2-1.efi", "uki_v1.efi" })
        {
            File.Move(installed, Path.Combine(_files, renamed));
            installed = Path.Combine(_files, renamed);
            var detail = await RunAsync("--offline", "--json=short", "list", "v1");
            Assert.Contains("\"incomplete\":false", detail.StandardOutput, StringComparison.Ordinal);
            await AssertUpToDateAsync();
            var before = TreeSnapshot.Take(_files, _dirs);
            await RunAsync("update");
            before.AssertSameAs(TreeSnapshot.Take(_files, _dirs), $"update after the boot loader renamed the UKI to {renamed}");
        }

        var json = await RunAsync("--offline", "--json=short", "list", "v1");
        // No instance has counters any more: the column is hidden, and (as upstream's table-to-JSON)
        // left out of the JSON contents.
        Assert.DoesNotContain("tries-left", json.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"mtime\":", json.StandardOutput, StringComparison.Ordinal);
        Publish("v2");
        await RunAsync("update");
        Assert.Equal(["uki_v1.efi", "uki_v2+3-0.efi"], Payloads.Names(_files));
    }

    [Fact]
    public async Task PartialLeftover_OfInterruptedRun_IsRedoneByPlainUpdate()
    {
        Publish("v1");
        await RunAsync("update");
        Publish("v2");
        // What an interrupted acquire leaves behind: a partial, no live run holding the lock, and no
        // hash verdict (a partial that failed its hash is refused until vacuumed: see
        // Faults.OperationsFaultTests). Upstream #42187: no manual vacuum is needed.
        var partial = Payloads.WriteFile(Path.Combine(_files, ".sysupdate.partial.uki_v2+3-0.efi"), "half");

        var detail = await RunAsync("--offline", "list", "v2");
        Assert.Contains("partial", detail.StandardOutput, StringComparison.Ordinal);

        await RunAsync("update");
        Assert.False(File.Exists(partial), "the interrupted run's partial is replaced");
        AssertInstalled("v2");
    }

    [Fact]
    public async Task Vacuum_InstancesMaxOptionAndDropIn_TrimOldest()
    {
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            Publish(version);
            await RunAsync("update");
        }
        (await _sysupdate.RunAsync("--definitions=" + _definitions, "-m", "0", "vacuum")).ShouldExit(1);

        var vacuum = await RunAsync("--json=short", "-m", "2", "vacuum");
        Assert.Equal("""{"removed":1,"disabledTransfers":0}""", vacuum.StandardOutput.Trim());
        Assert.Equal(["uki_v2+3-0.efi", "uki_v3+3-0.efi"], Payloads.Names(_files));
        Assert.Equal(["current", "tree-v2", "tree-v3"], Payloads.Names(_dirs));

        // A drop-in lowers the directory transfer's InstancesMax= to 2: the next update keeps v3 and v4 there.
        Payloads.WriteFile(Path.Combine(_definitions, "20-tree.transfer.d", "50-max.conf"), "[Target]\nInstancesMax=2\n");
        Publish("v4");
        await RunAsync("update");
        AssertInstalled("v4");
        Assert.Equal(["uki_v2+3-0.efi", "uki_v3+3-0.efi", "uki_v4+3-0.efi"], Payloads.Names(_files));
        Assert.Equal(["current", "tree-v3", "tree-v4"], Payloads.Names(_dirs));
    }

    [Fact]
    public async Task Features_ListAndDetail_NameTheTransfer()
    {
        Publish("v1");
        var table = await RunAsync("features");
        Assert.Contains("extra", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Extra payload", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 features listed.", table.StandardOutput, StringComparison.Ordinal);

        var detail = await RunAsync("features", "extra");
        Assert.Contains("Name: extra", detail.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Enabled: no", detail.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Transfers: 30-extra", detail.StandardOutput, StringComparison.Ordinal);

        var json = await RunAsync("--json=short", "features");
        Assert.Equal("""{"features":["extra"]}""", json.StandardOutput.Trim());

        var missing = await _sysupdate.RunAsync("--definitions=" + _definitions, "features", "nope");
        missing.ShouldExit(1);
    }

    [Fact]
    public async Task Components_Json_ListsDefaultAndNamedComponents()
    {
        var root = _tmp.Dir("root");
        var transfer = File.ReadAllText(Path.Combine(_definitions, "10-uki.transfer"));
        Payloads.WriteFile(Path.Combine(root, "etc/sysupdate.d/10-uki.transfer"), transfer);
        Payloads.WriteFile(Path.Combine(root, "usr/lib/sysupdate.foo.d/10-uki.transfer"), transfer);
        Payloads.WriteFile(Path.Combine(root, "run/sysupdate.bar.d/10-uki.transfer"), transfer);

        var json = (await _sysupdate.RunAsync("--root=" + root, "--json=short", "components")).ShouldExit(0);
        Assert.Equal("""{"default":true,"components":["bar","foo"]}""", json.StandardOutput.Trim());
        var table = (await _sysupdate.RunAsync("--root=" + root, "components")).ShouldExit(0);
        Assert.Contains("<default>", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("foo", table.StandardOutput, StringComparison.Ordinal);

        File.Delete(Path.Combine(root, "etc/sysupdate.d/10-uki.transfer"));
        json = (await _sysupdate.RunAsync("--root=" + root, "--json=short", "components")).ShouldExit(0);
        Assert.Equal("""{"default":false,"components":["bar","foo"]}""", json.StandardOutput.Trim());

        (await _sysupdate.RunAsync("--definitions=" + _definitions, "components")).ShouldExit(1);
    }

    /// <summary>Publishes version <paramref name="version"/> of every payload (the tree optionally).</summary>
    private void Publish(string version, bool tree = true)
    {
        Payloads.WriteFile(Path.Combine(_source, $"uki-{version}.efi"));
        Payloads.WriteFile(Path.Combine(_source, $"extra-{version}.bin"));
        if (tree)
            Payloads.WriteTree(Path.Combine(_source, $"tree-{version}"));
    }

    private void AssertInstalled(string version)
    {
        var uki = Path.Combine(_files, $"uki_{version}+3-0.efi");
        Payloads.AssertSameFile(Path.Combine(_source, $"uki-{version}.efi"), uki);
        Assert.Equal(ReadOnlyMode, FileIdentity.Of(uki).Permissions);
        Payloads.AssertSameTree(Path.Combine(_source, $"tree-{version}"), Path.Combine(_dirs, $"tree-{version}"));
        Assert.Equal($"tree-{version}", new FileInfo(Path.Combine(_dirs, "current")).LinkTarget);
        Assert.DoesNotContain(Payloads.Names(_files), n => n.StartsWith(".sysupdate.", StringComparison.Ordinal));
        Assert.DoesNotContain(Payloads.Names(_dirs), n => n.StartsWith(".sysupdate.", StringComparison.Ordinal));
    }

    private async Task AssertOffersAsync(string version)
    {
        var plain = await RunAsync("check-new");
        Assert.Equal(version, plain.StandardOutput.Trim());
        var json = await RunAsync("--json=short", "check-new");
        Assert.Equal($$"""{"available":"{{version}}"}""", json.StandardOutput.Trim());
    }

    private async Task AssertUpToDateAsync()
    {
        var plain = (await _sysupdate.RunAsync("--definitions=" + _definitions, "check-new")).ShouldExit(1);
        Assert.Equal("", plain.StandardOutput.Trim());
        var json = (await _sysupdate.RunAsync("--definitions=" + _definitions, "--json=short", "check-new")).ShouldExit(1);
        Assert.Equal("""{"available":null}""", json.StandardOutput.Trim());
    }

    private async Task<ProcessResult> RunAsync(params string[] args) =>
        (await _sysupdate.RunAsync(["--definitions=" + _definitions, .. args])).ShouldExit(0);
}
