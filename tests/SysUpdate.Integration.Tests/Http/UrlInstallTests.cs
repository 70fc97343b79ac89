using System.Formats.Tar;
using System.IO.Compression;
using SysUpdate.Core.Disk;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// <c>url-file</c> into a regular-file target and into A/B partition slots of a GPT image, from the
/// raw image and from each compressed form; <c>url-tar</c> into a directory target. The installed
/// bytes must be the raw image's, whatever travelled over the wire.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class UrlInstallTests(HttpImages images)
{
    private const int RawSize = 1024 * 1024;

    public static TheoryData<string> Suffixes() => ["", ".gz", ".xz", ".zst", ".bz2"];

    [Theory]
    [MemberData(nameof(Suffixes))]
    public async Task Update_UrlFileIntoFileAndTwoPartitionSlots_BytesEqualRawImage(string suffix)
    {
        await using var bench = await HttpBench.StartAsync(images);
        var (disk, usrType) = bench.CreateUsrDisk();
        bench.WriteTransfer("10-usr-file.transfer", $"""
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
        bench.WriteTransfer("20-usr-slot.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern=usr-@v.raw{suffix}

            [Target]
            Type=partition
            Path=/disk.img
            MatchPattern=usr_@v
            MatchPartitionType=usr
            """);
        string files = bench.InRoot("/var/lib/images");

        bench.PublishWithManifest(["usr-v1.raw" + suffix]);
        (await bench.RunAsync("update")).ShouldExit(0);
        Assert.Equal(["usr_v1.raw"], Payloads.Names(files));
        Assert.Equal(images.Sha256("usr-v1.raw"), HttpBench.Sha256(File.ReadAllBytes(Path.Combine(files, "usr_v1.raw"))));
        var v1Slot = AssertSlot(disk, usrType, "usr_v1", "usr-v1.raw");

        bench.PublishWithManifest(["usr-v1.raw" + suffix, "usr-v2.raw" + suffix]);
        (await bench.RunAsync("update")).ShouldExit(0);
        Assert.Equal(["usr_v1.raw", "usr_v2.raw"], Payloads.Names(files));
        Assert.Equal(images.Sha256("usr-v2.raw"), HttpBench.Sha256(File.ReadAllBytes(Path.Combine(files, "usr_v2.raw"))));
        var v2Slot = AssertSlot(disk, usrType, "usr_v2", "usr-v2.raw");
        Assert.NotEqual(v1Slot.Number, v2Slot.Number);
        Assert.Equal(v1Slot, AssertSlot(disk, usrType, "usr_v1", "usr-v1.raw"));

        // Each version's payload went over the wire once per target, as published (compressed).
        foreach (var version in new[] { "v1", "v2" })
        {
            var requests = bench.Requests($"usr-{version}.raw{suffix}");
            Assert.Equal(2, requests.Count);
            Assert.All(requests, r => Assert.Equal(images.Bytes($"usr-{version}.raw{suffix}").Length, r.BytesSent));
        }
    }

    [Fact]
    public async Task Update_UrlTarIntoDirectory_FilesModesAndCurrentSymlink()
    {
        await using var bench = await HttpBench.StartAsync(images);
        bench.WriteTransfer("30-rootfs.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-tar
            Path={bench.SourceUrl}
            MatchPattern=rootfs-@v.tar.gz

            [Target]
            Type=directory
            Path=/var/lib/machines
            MatchPattern=rootfs-@v
            CurrentSymlink=current
            """);
        string machines = bench.InRoot("/var/lib/machines");

        bench.PublishWithManifest(["rootfs-v1.tar.gz"]);
        (await bench.RunAsync("update")).ShouldExit(0);
        Assert.Equal(["current", "rootfs-v1"], Payloads.Names(machines));
        await AssertSameAsArchiveAsync("rootfs-v1.tar.gz", Path.Combine(machines, "rootfs-v1"));
        Assert.Equal("rootfs-v1", new FileInfo(Path.Combine(machines, "current")).LinkTarget);
        Assert.Equal("IMAGE_VERSION=v1", File.ReadAllLines(Path.Combine(machines, "current", "etc", "os-release"))[^1]);

        bench.PublishWithManifest(["rootfs-v1.tar.gz", "rootfs-v2.tar.gz"]);
        (await bench.RunAsync("update")).ShouldExit(0);
        Assert.Equal(["current", "rootfs-v1", "rootfs-v2"], Payloads.Names(machines));
        await AssertSameAsArchiveAsync("rootfs-v2.tar.gz", Path.Combine(machines, "rootfs-v2"));
        Assert.Equal("rootfs-v2", new FileInfo(Path.Combine(machines, "current")).LinkTarget);
        var hello = Path.Combine(machines, "current", "usr", "bin", "hello");
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(hello));
    }

    /// <summary>Every file of the archive exists with its mode and content; nothing else is there.</summary>
    private async Task AssertSameAsArchiveAsync(string archive, string directory)
    {
        var expected = new SortedDictionary<string, (UnixFileMode Mode, byte[]? Content)>(StringComparer.Ordinal);
        await using (var gz = new GZipStream(File.OpenRead(images.Path(archive)), CompressionMode.Decompress))
        await using (var reader = new TarReader(gz))
        {
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                string name = entry.Name.TrimStart('.', '/').TrimEnd('/');
                if (name.Length == 0)
                    continue;
                byte[]? content = null;
                if (entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    await data.CopyToAsync(copy);
                    content = copy.ToArray();
                }
                expected[name] = (entry.Mode, entry.EntryType == TarEntryType.Directory ? null : content ?? []);
            }
        }
        Assert.Contains("usr/bin/hello", expected.Keys);

        var actual = Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(directory, p)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Keys, actual);
        foreach (var (name, (mode, content)) in expected)
        {
            string path = Path.Combine(directory, name);
            Assert.Equal(mode, File.GetUnixFileMode(path));
            if (content is not null)
                Assert.Equal(content, File.ReadAllBytes(path));
        }
    }

    /// <summary>The slot labelled <paramref name="label"/> is committed (configured type) and starts with the raw image.</summary>
    private GptPartition AssertSlot(string disk, Guid type, string label, string rawImage)
    {
        using var gpt = GptDisk.Open(disk, writable: false);
        var slot = Assert.Single(gpt.Partitions, p => p.Name == label);
        Assert.Equal(type, slot.Type);
        Assert.Equal(images.Sha256(rawImage), HttpBench.Sha256(disk, slot.StartBytes, RawSize));
        return slot;
    }
}
