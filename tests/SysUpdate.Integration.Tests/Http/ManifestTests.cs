using System.Security.Cryptography;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Targets;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// SHA256SUMS as the CLI sees it over HTTP: a few strict-grammar violations (the full rule table is
/// unit-tested in SysUpdate.Core.Tests/Manifests), BEST-BEFORE freshness, and a payload whose bytes
/// do not have the SHA-256 the manifest lists.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class ManifestTests(HttpImages images)
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const int RawSize = 1024 * 1024;

    public static TheoryData<string, string, string> BadLines() => new()
    {
        { "bad-hex", "zz" + new string('0', 62) + " *uki-v2.efi\n", "Failed to parse digest at manifest line 2" },
        { "no-final-newline", new string('0', 64) + " *uki-v2.efi", "Truncated manifest file" },
        { "dot-dot-path", new string('0', 64) + " *../uki-v2.efi\n", "Invalid filename specified at manifest line 2, refusing." },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task Update_ManifestBreaksGrammarOnLine2_ErrorNamesUrlAndLineNothingFetched(string rule, string line2, string what)
    {
        await using var bench = await SetUpUkiAsync();
        bench.Publish("uki-v1.efi");
        bench.ServeManifest(images.ManifestLine("uki-v1.efi") + line2);

        foreach (var verb in new[] { "update", "check-new" })
        {
            string error = HttpBench.AssertOneLineError(await bench.RunAsync(verb), bench.ManifestUrl + ":2: ", what);
            Assert.True(error.StartsWith(bench.ManifestUrl, StringComparison.Ordinal), $"{rule}: {error}");
        }
        Assert.Empty(bench.PayloadRequests());
        Assert.Empty(Payloads.Names(bench.InRoot("/var/lib/uki")));
    }

    [Theory]
    [InlineData(-400, null, false)]
    [InlineData(-400, "0", true)]
    [InlineData(+400, null, true)]
    public async Task Update_BestBeforeMarker_PastRefusedUnlessFreshnessOff_FutureAccepted(int days, string? verifyFreshness, bool installs)
    {
        await using var bench = await SetUpUkiAsync();
        string date = DateTime.UtcNow.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        bench.PublishWithManifest(["uki-v1.efi", "uki-v2.efi"], $"{EmptySha256} *BEST-BEFORE-{date}\n");
        bench.SysUpdate.WithEnvironment("SYSTEMD_SYSUPDATE_VERIFY_FRESHNESS", verifyFreshness);

        var result = await bench.RunAsync("update");

        string target = bench.InRoot("/var/lib/uki");
        if (installs)
        {
            result.ShouldExit(0);
            Payloads.AssertSameFile(images.Path("uki-v2.efi"), Path.Combine(target, "uki_v2.efi"));
        }
        else
        {
            HttpBench.AssertOneLineError(result, bench.ManifestUrl + ":3: ", "Best before marker indicates out-of-date file list");
            Assert.Empty(bench.PayloadRequests());
            Assert.Empty(Payloads.Names(target));
        }
    }

    /// <summary>
    /// One target per case: a run stops at the first failing transfer, so a second transfer of the
    /// same payload would never be reached.
    /// </summary>
    [Theory]
    [InlineData("", false)]
    [InlineData(".xz", false)]
    [InlineData("", true)]
    [InlineData(".xz", true)]
    public async Task Update_PayloadHashMismatch_ErrorNamesUrlAndBothHashesNothingCommitted(string suffix, bool partition)
    {
        await using var bench = await HttpBench.StartAsync(images);
        var (disk, usrType) = bench.CreateUsrDisk();
        string files = bench.InRoot("/var/lib/images");
        string target = partition
            ? "Type=partition\nPath=/disk.img\nMatchPattern=usr_@v\nMatchPartitionType=usr"
            : "Type=regular-file\nPath=/var/lib/images\nMatchPattern=usr_@v.raw";
        bench.WriteTransfer("10-usr.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern=usr-@v.raw{suffix}

            [Target]
            {target}
            """);
        bench.PublishWithManifest(["usr-v1.raw" + suffix]);
        (await bench.RunAsync("update")).ShouldExit(0);
        var installed = TreeSnapshot.Take(files);
        var v1Slot = partition ? SlotNamed(disk, "usr_v1") : null;

        // v2 is published with the hash of some other bytes.
        string v2 = "usr-v2.raw" + suffix;
        string wrong = Convert.ToHexStringLower(SHA256.HashData("not the image"u8));
        bench.Publish(v2);
        bench.ServeManifest(images.ManifestLine("usr-v1.raw" + suffix) + $"{wrong} *{v2}\n");

        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.SourceUrl + "/" + v2, wrong, images.Sha256(v2));
        Assert.Equal(images.Bytes(v2).Length, Assert.Single(bench.Requests(v2)).BytesSent);

        // Nothing of v2 became an instance, v1 is untouched.
        if (partition)
        {
            using var gpt = GptDisk.Open(disk, writable: false);
            Assert.Equal(v1Slot, Assert.Single(gpt.Partitions, p => p.Name == "usr_v1"));
            var other = Assert.Single(gpt.Partitions, p => p.Number != v1Slot!.Number);
            Assert.True(other.Name == PartitionTarget.EmptyLabel ? other.Type == usrType : other.Type == GptPartitionTypes.DerivePartialType(usrType),
                $"slot {other.Number} is '{other.Name}' of type {other.Type}: neither free nor partial");
            Assert.Equal(images.Sha256("usr-v1.raw"), HttpBench.Sha256(disk, v1Slot!.StartBytes, RawSize));
        }
        else
        {
            var after = TreeSnapshot.Take(files);
            foreach (var (path, description) in installed.Entries)
                Assert.Equal(description, after.Entries.GetValueOrDefault(path));
            Assert.DoesNotContain(Payloads.Names(files), n => n.Contains("usr_v2", StringComparison.Ordinal) && !n.StartsWith(".sysupdate.partial.", StringComparison.Ordinal));
        }
        // The table never calls v2 plainly installed (a slot left partial-typed is "current+partial").
        var list = (await bench.RunAsync("--offline", "--no-legend", "list")).ShouldExit(0);
        string? v2Row = list.StandardOutput.Split('\n').FirstOrDefault(l => l.Contains(" v2 ", StringComparison.Ordinal));
        string v1Row = list.StandardOutput.Split('\n').Single(l => l.Contains(" v1 ", StringComparison.Ordinal));
        Assert.True(v2Row is null || v2Row.TrimEnd().EndsWith("+partial", StringComparison.Ordinal), list.ToString());
        Assert.True(v1Row.TrimEnd().EndsWith(v2Row is null ? "current" : "installed", StringComparison.Ordinal), list.ToString());

        // A hash mismatch leaves v2 partial (file or slot), as upstream: once the release is fixed the
        // next update refuses until a vacuum clears it (a partial set is EUCLEAN, spec §8.1).
        if (!partition)
            Assert.Contains(Payloads.Names(files), n => n.StartsWith(".sysupdate.partial.usr_v2", StringComparison.Ordinal));
        bench.PublishWithManifest(["usr-v1.raw" + suffix, v2]);
        HttpBench.AssertOneLineError(await bench.RunAsync("update"), "partially installed", "Vacuum");
        (await bench.RunAsync("vacuum")).ShouldExit(0);
        (await bench.RunAsync("update")).ShouldExit(0);
        if (partition)
        {
            var v2Slot = SlotNamed(disk, "usr_v2");
            Assert.Equal(usrType, v2Slot.Type);
            Assert.Equal(images.Sha256("usr-v2.raw"), HttpBench.Sha256(disk, v2Slot.StartBytes, RawSize));
        }
        else
        {
            Assert.Equal(["usr_v1.raw", "usr_v2.raw"], Payloads.Names(files));
            Assert.Equal(images.Sha256("usr-v2.raw"), HttpBench.Sha256(File.ReadAllBytes(Path.Combine(files, "usr_v2.raw"))));
        }
    }

    private static GptPartition SlotNamed(string disk, string label)
    {
        using var gpt = GptDisk.Open(disk, writable: false);
        return Assert.Single(gpt.Partitions, p => p.Name == label);
    }

    private async Task<HttpBench> SetUpUkiAsync()
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
        return bench;
    }
}
