using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// A vendor published a compressed image that is cut short or has bytes after its end, and listed
/// that very file in SHA256SUMS, so the hash matches: the decoder is the last line of defence. The
/// update is refused with one line naming the URL, the installed version stays as it was, and nothing
/// decoded from the bad image is readable by other users.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class CompressedFaultTests(HttpImages images)
{
    public static TheoryData<string, string> Faults()
    {
        var data = new TheoryData<string, string>();
        foreach (var suffix in new[] { ".gz", ".xz", ".zst", ".bz2" })
        {
            data.Add(suffix, "truncated");
            data.Add(suffix, "trailing-garbage");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Update_HashMatchesButCompressedDataIsBad_RefusedNamingTheUrlAndV1Kept(string suffix, string fault)
    {
        await using var bench = await HttpBench.StartAsync(images);
        bench.WriteTransfer("10-usr.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern=usr-@v.raw{suffix}

            [Target]
            Type=regular-file
            Path=/var/lib/images
            MatchPattern=usr_@v.raw
            """);
        string files = bench.InRoot("/var/lib/images");
        bench.PublishWithManifest(["usr-v1.raw" + suffix]);
        (await bench.RunAsync("update")).ShouldExit(0);

        byte[] good = images.Bytes("usr-v2.raw" + suffix);
        byte[] bad = fault == "truncated"
            ? good[..(good.Length / 2)]
            : [.. good, .. "not part of any stream\n"u8];
        string name = "usr-v2.raw" + suffix;
        bench.Serve(name, bad);
        bench.ServeManifest(images.ManifestLine("usr-v1.raw" + suffix) + $"{HttpBench.Sha256(bad)} *{name}\n");

        var run = await bench.RunAsync("update");

        HttpBench.AssertOneLineError(run, $"{bench.SourceUrl}/{name}: ", "refusing");
        Assert.False(File.Exists(Path.Combine(files, "usr_v2.raw")));
        Assert.Equal(images.Sha256("usr-v1.raw"), HttpBench.Sha256(File.ReadAllBytes(Path.Combine(files, "usr_v1.raw"))));
        // What the failed run wrote stays a hidden partial (the next update starts it over), readable by root alone.
        foreach (var leftover in Directory.EnumerateFiles(files).Where(f => Path.GetFileName(f) != "usr_v1.raw"))
        {
            Assert.Equal(".sysupdate.partial." + "usr_v2.raw", Path.GetFileName(leftover));
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(leftover) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead));
        }
    }
}
