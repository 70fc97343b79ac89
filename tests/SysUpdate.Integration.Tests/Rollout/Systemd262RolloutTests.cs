using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Rollout;

/// <summary>
/// Mixed fleets: systemd 262.1's own systemd-sysupdate (from Debian's packages, in the chroot of
/// tests/test72-262/run.sh) reads a manifest with a <c>ROLLOUT-v2=25</c> line from a real HTTP server on 127.0.0.1,
/// ignores the line and updates to v2, even with a bare <c>@v</c> pattern that would match any version-like name.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class Systemd262RolloutTests(HttpImages images)
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    // The chroot gets a private /proc, /run and /tmp (gone with the mount namespace); the definitions are copied
    // into its /tmp and the target lives there too, so nothing of this run stays in the shared chroot.
    private const string Script = """
        root=$1 defs=$2; shift 2
        mount -t proc proc "$root/proc"
        mount -t tmpfs -o mode=0755 tmpfs "$root/run"
        mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
        mkdir -p "$root/tmp/defs" "$root/tmp/target"
        cp "$defs"/*.transfer "$root/tmp/defs/"
        exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_LOG_LEVEL=info /bin/bash -ec '
          bin=/usr/lib/systemd/systemd-sysupdate.upstream
          $bin --version | head -1
          for verb in "$@"; do $bin --definitions=/tmp/defs $verb; done
          echo "--- target:"
          cd /tmp/target && find . -type f -exec sha256sum {} +' sh "$@"
        """;

    [Systemd262ChrootFact]
    public async Task Systemd262_ManifestWithRolloutEntry_IgnoresItAndUpdates()
    {
        await using var bench = await HttpBench.StartAsync(images);
        bench.PublishWithManifest(["uki-v1.efi", "uki-v2.efi"], $"{EmptySha256} *ROLLOUT-v2=25\n");
        WriteTransfer(bench, "uki-@v.efi", "uki_@v.efi");

        string output = await RunUpstreamAsync(bench, "check-new", "update");

        Assert.Contains("systemd 262 (262.1", output, StringComparison.Ordinal);
        Assert.Contains($"{images.Sha256("uki-v2.efi")}  ./uki_v2.efi", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ROLLOUT", output.Split("--- target:")[1], StringComparison.Ordinal);
    }

    [Systemd262ChrootFact]
    public async Task Systemd262_BareVersionPattern_DoesNotSeeTheRolloutEntry()
    {
        await using var bench = await HttpBench.StartAsync(images);
        bench.PublishWithManifest(["uki-v1.efi", "uki-v2.efi"], $"{EmptySha256} *ROLLOUT-v2=25\n");
        WriteTransfer(bench, "@v", "@v");

        string output = await RunUpstreamAsync(bench, "list");

        Assert.Contains("uki-v2.efi", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ROLLOUT", output, StringComparison.Ordinal);
    }

    private static void WriteTransfer(HttpBench bench, string sourcePattern, string targetPattern) =>
        bench.WriteTransfer("10-uki.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern={sourcePattern}

            [Target]
            Type=regular-file
            Path=/tmp/target
            MatchPattern={targetPattern}
            """);

    private static Task<string> RunUpstreamAsync(HttpBench bench, params string[] verbs) =>
        ExternalTool.RunAsync("unshare", ["--mount", "--propagation", "private", "--", "/bin/bash", "-ec", Script, "test-rollout",
            Systemd262ChrootFactAttribute.Chroot, bench.Definitions, .. verbs], timeout: TimeSpan.FromMinutes(2));
}
