using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests;

/// <summary>
/// Table-driven malformed definitions: a valid transfer (v1 installed, v2 available) with one thing
/// changed. Every case must fail with exit 1 and one stderr line naming <c>file:line</c>, and must not
/// touch the source, target or definition trees.
/// </summary>
public sealed class BadDefinitionTests : IDisposable
{
    private const string TransferName = "50-img.transfer";

    private readonly TempDirectory _tmp = new();
    private readonly SysUpdateProcess _sysupdate = new();
    private readonly string _definitions;
    private readonly string _source;
    private readonly string _target;

    public BadDefinitionTests()
    {
        _definitions = _tmp.Dir("definitions");
        _source = _tmp.Dir("source");
        _target = _tmp.Dir("target");
        Payloads.WriteFile(Path.Combine(_source, "img_v1.raw"));
        Payloads.WriteFile(Path.Combine(_source, "img_v2.raw"));
        File.Copy(Path.Combine(_source, "img_v1.raw"), Path.Combine(_target, "img_v1.raw"));
        Payloads.WriteTree(Path.Combine(_source, "img_v1"));
    }

    /// <summary>
    /// Each case edits the base text (and may add files or arguments) and returns where the error must
    /// point: the file (relative to the definitions directory) and the 1-based line. Errors found only
    /// after all lines are read (a missing key) point at line 1 of the main file.
    /// </summary>
    private static readonly Dictionary<string, Func<Edit, Expected>> Cases = new()
    {
        ["unknown-source-type"] = e => InMain(e.Text.Set("Source", "Type", "floppy")),
        ["unknown-target-type"] = e => InMain(e.Text.Set("Target", "Type", "tape")),
        ["missing-source-type"] = e => { e.Text.Remove("Source", "Type"); return InMain(1); },
        ["missing-source-match-pattern"] = e => { e.Text.Remove("Source", "MatchPattern"); return InMain(1); },
        ["adjacent-fields"] = e => InMain(e.Text.Set("Source", "MatchPattern", "img_@v@u.raw")),
        ["unknown-field"] = e => InMain(e.Text.Set("Source", "MatchPattern", "img_@x_@v.raw")),
        ["trailing-at"] = e => InMain(e.Text.Set("Source", "MatchPattern", "img_@v.raw@")),
        ["literal-star"] = e => InMain(e.Text.Set("Source", "MatchPattern", "img_@v*.raw")),
        ["literal-pipe"] = e => InMain(e.Text.Set("Target", "MatchPattern", "img_@v|.raw")),
        ["pattern-without-version"] = e => InMain(e.Text.Set("Source", "MatchPattern", "img.raw")),
        ["field-twice"] = e => InMain(e.Text.Set("Source", "MatchPattern", "img_@v_@v.raw")),
        ["glob-in-target"] = e => InMain(e.Text.Set("Target", "MatchPattern", "**/img_@v.raw")),
        ["glob-with-directory-source"] = e =>
        {
            e.Text.Set("Source", "Type", "directory");
            e.Text.Set("Target", "Type", "directory");
            e.Text.Set("Target", "MatchPattern", "img_@v");
            return InMain(e.Text.Set("Source", "MatchPattern", "**/img_@v"));
        },
        ["relative-source-path"] = e => InMain(e.Text.Set("Source", "Path", "relative/source")),
        ["relative-target-path"] = e => InMain(e.Text.Set("Target", "Path", "target")),
        ["non-normalized-source-path"] = e => InMain(e.Text.Set("Source", "Path", "/a/../b")),
        ["non-normalized-target-path"] = e => InMain(e.Text.Set("Target", "Path", "/a//b")),
        ["empty-source-path"] = e => InMain(e.Text.Set("Source", "Path", "")),
        ["source-path-auto"] = e => InMain(e.Text.Set("Source", "Path", "auto")),
        // The error names the target's Type= line: that is the one the source type conflicts with.
        ["incompatible-file-to-directory"] = e => InMain(e.Text.Set("Target", "Type", "directory")),
        ["incompatible-directory-to-file"] = e => { e.Text.Set("Source", "Type", "directory"); return InMain(e.Text.Line("Target", "Type")); },
        ["instances-max-garbage"] = e => InMain(e.Text.Set("Target", "InstancesMax", "abc")),
        ["instances-max-negative"] = e => InMain(e.Text.Set("Target", "InstancesMax", "-3")),
        ["mode-not-octal"] = e => InMain(e.Text.Set("Target", "Mode", "999")),
        ["tries-left-negative"] = e => InMain(e.Text.Set("Target", "TriesLeft", "-1")),
        ["tries-done-garbage"] = e => InMain(e.Text.Set("Target", "TriesDone", "x")),
        ["partition-uuid-garbage"] = e => InMain(e.Text.Set("Target", "PartitionUUID", "nope")),
        ["partition-flags-garbage"] = e => InMain(e.Text.Set("Target", "PartitionFlags", "xyz")),
        ["read-only-maybe"] = e => InMain(e.Text.Set("Target", "ReadOnly", "maybe")),
        ["remove-temporary-kinda"] = e => InMain(e.Text.Set("Target", "RemoveTemporary", "kinda")),
        ["verify-perhaps"] = e => InMain(e.Text.Set("Transfer", "Verify", "perhaps")),
        ["min-version-bad-chars"] = e => InMain(e.Text.Set("Transfer", "MinVersion", "1/2")),
        ["protect-version-bad-word"] = e => InMain(e.Text.Set("Transfer", "ProtectVersion", "a b/c")),
        ["features-bad-name"] = e => InMain(e.Text.Set("Transfer", "Features", "a/b")),
        // ChangeLog=/AppStream= lines that are no http(s) URL are warned about and ignored, as in 262.1
        // (see Features262Tests), so they are no fatal cases here.
        ["path-relative-to-moon"] = e => InMain(e.Text.Set("Source", "PathRelativeTo", "moon")),
        ["path-relative-to-explicit-without-transfer-source"] = e => InMain(e.Text.Set("Source", "PathRelativeTo", "explicit")),
        ["path-relative-to-explicit-in-target"] = e => InMain(e.Text.Set("Target", "PathRelativeTo", "explicit")),
        ["path-relative-to-esp-with-tar-source"] = e =>
        {
            e.Text.Set("Source", "Type", "tar");
            e.Text.Set("Target", "Type", "directory");
            return InMain(e.Text.Set("Source", "PathRelativeTo", "esp"));
        },
        ["missing-equals"] = e => InMain(e.Text.InsertInSection("Source", "NoEqualsSignHere")),
        ["assignment-before-section"] = e => InMain(e.Text.InsertAt(2, "Type=regular-file")),
        ["bad-section-header"] = e => InMain(e.Text.ReplaceHeader("Target", "[Target")),
        ["url-file-ftp-path"] = e =>
        {
            e.Text.Set("Source", "Type", "url-file");
            return InMain(e.Text.Set("Source", "Path", "ftp://x"));
        },
        ["match-partition-type-bogus"] = e =>
        {
            e.Text.Set("Target", "Type", "partition");
            return InMain(e.Text.Set("Target", "MatchPartitionType", "bogus"));
        },
        ["current-symlink-relative-for-partition"] = e =>
        {
            e.Text.Set("Target", "Type", "partition");
            return InMain(e.Text.Set("Target", "CurrentSymlink", "current"));
        },
        ["unknown-specifier"] = e => InMain(e.Text.Set("Source", "Path", "/srv/%Z")),
        ["drop-in-error"] = e =>
        {
            e.DropIns["override.conf"] = "# tighten retention\n[Target]\nInstancesMax=abc\n";
            return new Expected(TransferName + ".d/override.conf", 3);
        },
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Fact]
    public void Cases_AtLeastTwentyFive()
    {
        Assert.True(Cases.Count >= 25, $"only {Cases.Count} cases");
    }

    [Fact]
    public async Task Update_BaseDefinition_InstallsV2()
    {
        // The control: without the one bad change, update installs v2 and so changes the target
        // tree — which is what every bad case must not do.
        WriteDefinition(BaseText(), new Dictionary<string, string>());
        var before = TreeSnapshot.Take(_target);
        (await _sysupdate.RunAsync("--definitions=" + _definitions, "update")).ShouldExit(0);
        Payloads.AssertSameFile(Path.Combine(_source, "img_v2.raw"), Path.Combine(_target, "img_v2.raw"));
        Assert.Throws<Xunit.Sdk.FailException>(() => before.AssertSameAs(TreeSnapshot.Take(_target), "control"));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task UpdateAndList_MalformedDefinition_OneLineFileLineErrorExit1NoChanges(string name)
    {
        var edit = new Edit(BaseText(), new Dictionary<string, string>());
        var expected = Cases[name](edit);
        WriteDefinition(edit.Text, edit.DropIns);
        string expectedPrefix = $"{Path.Combine(_definitions, expected.File)}:{expected.Line}: ";
        var before = TreeSnapshot.Take(_source, _target, _definitions);

        foreach (var verb in new[] { "update", "list" })
        {
            var result = await _sysupdate.RunAsync("--definitions=" + _definitions, verb);
            result.ShouldExit(1);
            if (result.ErrorLines.Count != 1)
                Assert.Fail($"expected exactly one stderr line\n{result}");
            var line = result.ErrorLines[0];
            if (!line.StartsWith(expectedPrefix, StringComparison.Ordinal))
                Assert.Fail($"expected the error to start with '{expectedPrefix}'\ndefinition:\n{edit.Text}\n{result}");
            Assert.True(line.Length > expectedPrefix.Length + 3, $"error has no message: {line}");
            Assert.Equal("", result.StandardOutput);
        }
        before.AssertSameAs(TreeSnapshot.Take(_source, _target, _definitions), name);
    }

    private DefinitionText BaseText() => new(
    [
        "# Base definition: every case changes one thing.",
        "[Transfer]",
        "Verify=no",
        "",
        "[Source]",
        "Type=regular-file",
        $"Path={_source}",
        "MatchPattern=img_@v.raw",
        "",
        "[Target]",
        "Type=regular-file",
        $"Path={_target}",
        "MatchPattern=img_@v.raw",
        "InstancesMax=3",
    ]);

    private void WriteDefinition(DefinitionText text, Dictionary<string, string> dropIns)
    {
        File.WriteAllText(Path.Combine(_definitions, TransferName), text.ToString());
        foreach (var (file, content) in dropIns)
            Payloads.WriteFile(Path.Combine(_definitions, TransferName + ".d", file), content);
    }

    private static Expected InMain(int line) => new(TransferName, line);

    public void Dispose() => _tmp.Dispose();

    private sealed record Edit(DefinitionText Text, Dictionary<string, string> DropIns);

    private sealed record Expected(string File, int Line);
}
