using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// Hostile and broken <c>url-tar</c> payloads against the published binary: a tampered tarball with a
/// setuid-root file and device nodes, a PAX header bomb, a zstd bomb, long and deep names, conflicting
/// entries, an HTML page and a truncated archive. Each fails with one line naming the URL, exit 1, no
/// stack trace, and leaves nothing of the payload under the target directory.
/// </summary>
public sealed class TarFaultTests
{
    private const int SetuidRootMode = 0x9ED; // 04755

    private static byte[] EvilRootfs() => TarFaultBench.Tarball(
        TarFaultBench.Directory("./"),
        TarFaultBench.Directory("./usr/bin"),
        new PaxTarEntry(TarEntryType.RegularFile, "./usr/bin/rootshell")
        {
            DataStream = new MemoryStream("#!/bin/sh\nexec /bin/sh -p\n"u8.ToArray()), Mode = (UnixFileMode)SetuidRootMode, Uid = 0, Gid = 0,
        },
        TarFaultBench.Directory("./dev"),
        new PaxTarEntry(TarEntryType.BlockDevice, "./dev/disk") { DeviceMajor = 7, DeviceMinor = 0, Mode = (UnixFileMode)0x1B6 },
        new PaxTarEntry(TarEntryType.CharacterDevice, "./dev/mem") { DeviceMajor = 1, DeviceMinor = 1, Mode = (UnixFileMode)0x1B6 });

    [RootOnlyFact]
    public async Task Update_TamperedTarballWithSetuidAndDevices_NothingReachableByNobody()
    {
        await using var bench = await TarFaultBench.StartAsync();
        bench.WriteTransfer();
        bench.Publish("rootfs-v1.tar", EvilRootfs(), listedSha256: TarFaultBench.Sha256(TarFaultBench.GoodRootfs("v1")));

        var result = await bench.RunAsync("update");

        TarFaultBench.AssertOneLineError(result, bench.Url("rootfs-v1.tar"));
        // Nothing of the payload is left, under any name.
        Assert.DoesNotContain(TarFaultBench.Walk(bench.Machines), e => e.Name.Contains("rootfs", StringComparison.Ordinal));
        foreach (var entry in TarFaultBench.Walk(bench.Root))
        {
            Assert.False(entry.UnixFileMode.HasFlag(UnixFileMode.SetUser), $"setuid file left: {entry.FullName}");
            Assert.False(Core.Native.LibC.GetFileKind(entry.FullName) is Core.Native.FileKind.BlockDevice or Core.Native.FileKind.CharacterDevice or Core.Native.FileKind.Fifo or Core.Native.FileKind.Socket);
        }
        // And as uid 65534: no path to the shell or the device node exists under any partial name.
        Assert.Contains("machines", await RunAsNobodyAsync("ls", Path.Combine(bench.Root, "var/lib")), StringComparison.Ordinal);
        var nobody = await RunAsNobodyAsync("find", bench.Machines, "-perm", "-4000", "-o", "-type", "b", "-o", "-type", "c");
        Assert.Equal("", nobody.Trim());
    }

    [RootOnlyFact]
    public async Task Update_GoodTarballWithSetuid_InstalledWithSetuidAfterVerification()
    {
        await using var bench = await TarFaultBench.StartAsync();
        bench.WriteTransfer();
        bench.Publish("rootfs-v1.tar", EvilRootfs());

        (await bench.RunAsync("update")).ShouldExit(0);

        string tree = Path.Combine(bench.Machines, "rootfs-v1");
        Assert.Equal((UnixFileMode)SetuidRootMode, File.GetUnixFileMode(Path.Combine(tree, "usr/bin/rootshell")));
        Assert.Equal((UnixFileMode)0x1B6, File.GetUnixFileMode(Path.Combine(tree, "dev/disk")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(tree));
        Assert.Equal("rootfs-v1", new FileInfo(Path.Combine(bench.Machines, "current")).LinkTarget);
        // The verified tree is traversable by others again.
        Assert.Contains("rootshell", await RunAsNobodyAsync("ls", Path.Combine(tree, "usr/bin")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_PaxHeaderBomb_OneLineAndMemoryBounded()
    {
        await using var bench = await TarFaultBench.StartAsync();
        bench.WriteTransfer();
        var bomb = new PaxTarEntry(TarEntryType.RegularFile, "./bomb",
            new Dictionary<string, string> { ["comment"] = new string('A', 4_600_000) }) { DataStream = new MemoryStream([1]) };
        bench.Publish("rootfs-v1.tar", TarFaultBench.Tarball(bomb));

        var (result, maxRssKiB) = await RunMeasuringAsync(bench, "update");

        string line = TarFaultBench.AssertOneLineError(result, bench.Url("rootfs-v1.tar"), "PAX");
        Assert.Contains("refusing", line, StringComparison.Ordinal);
        Assert.DoesNotContain(TarFaultBench.Walk(bench.Machines), e => e.Name.Contains("rootfs", StringComparison.Ordinal));
        // The bomb took 1.1 GB before; the process now stays at its usual size.
        Assert.True(maxRssKiB < 400 * 1024, $"peak RSS {maxRssKiB} KiB");
    }

    [Fact]
    public async Task Update_ZstdBombLargerThanDeclaredSize_RefusedBeforeItIsWritten()
    {
        await using var bench = await TarFaultBench.StartAsync();
        const long declared = 64L << 20;
        bench.WriteTransfer(matchPattern: "rootfs-@s-@v.tar.zst");
        string name = $"rootfs-{declared}-v1.tar.zst";
        bench.Publish(name, await ZstdTarOfZerosAsync(bench, 2L << 30));

        var result = await bench.RunAsync("update");

        TarFaultBench.AssertOneLineError(result, bench.Url(name), "declared size", $"{declared}");
        Assert.DoesNotContain(TarFaultBench.Walk(bench.Machines), e => e.Name.Contains("rootfs", StringComparison.Ordinal));
    }

    public static TheoryData<string> BadArchives() => new(BadArchive.All.Keys);

    [Theory]
    [MemberData(nameof(BadArchives))]
    public async Task Update_BadArchive_OneLineNoStackTraceNothingLeft(string kind)
    {
        await using var bench = await TarFaultBench.StartAsync();
        bench.WriteTransfer();
        bench.Publish("rootfs-v1.tar", BadArchive.All[kind]());

        var result = await bench.RunAsync("update");

        TarFaultBench.AssertOneLineError(result, bench.Url("rootfs-v1.tar"), "refusing");
        Assert.DoesNotContain(TarFaultBench.Walk(bench.Machines), e => e.Name.Contains("rootfs", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(bench.Machines, "current")));
    }

    /// <summary>Archives that are not extractable, by what is wrong with them.</summary>
    private static class BadArchive
    {
        public static readonly Dictionary<string, Func<byte[]>> All = new(StringComparer.Ordinal)
        {
            ["long-name"] = () => TarFaultBench.Tarball(TarFaultBench.File("./" + string.Join('/', Enumerable.Repeat(new string('n', 250), 20)), "x")),
            ["long-component"] = () => TarFaultBench.Tarball(TarFaultBench.File("./" + new string('n', 1000), "x")),
            ["deep"] = () => TarFaultBench.Tarball(TarFaultBench.File("./" + string.Join('/', Enumerable.Repeat("d", 1500)) + "/f", "x")),
            ["file-then-directory"] = () => TarFaultBench.Tarball(TarFaultBench.File("./etc", "x"), TarFaultBench.Directory("./etc")),
            ["directory-then-file"] = () => TarFaultBench.Tarball(TarFaultBench.Directory("./etc"), TarFaultBench.File("./etc", "x")),
            ["html"] = () => Encoding.UTF8.GetBytes("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n"),
            ["truncated"] = () => TarFaultBench.Tarball(new PaxTarEntry(TarEntryType.RegularFile, "./big") { DataStream = new MemoryStream(new byte[100_000]) })[..50_000],
        };
    }

    private static async Task<string> RunAsNobodyAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", program, .. args])
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    /// <summary>Runs the CLI under a python parent that reports the child's peak RSS (ru_maxrss, KiB).</summary>
    private static async Task<(ProcessResult Result, long MaxRssKiB)> RunMeasuringAsync(TarFaultBench bench, params string[] args)
    {
        string rssFile = bench.Combine("maxrss");
        const string Script = "import resource,subprocess,sys\n" +
                              "r = subprocess.run(sys.argv[2:])\n" +
                              "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n" +
                              "sys.exit(r.returncode)\n";
        var wrapped = new SysUpdateProcess("/usr/bin/python3") { Timeout = TimeSpan.FromSeconds(120) }
            .WithEnvironment("SYSTEMD_LOG_LEVEL", "warning")
            .WithEnvironment("SYSUPDATE_CACHE_DIRECTORY", bench.Scratch("cache2"))
            .WithEnvironment("http_proxy", null)
            .WithEnvironment("HTTP_PROXY", null);
        var result = await wrapped.RunAsync(["-c", Script, rssFile, bench.SysUpdate.Binary, "--root=" + bench.Root, .. args]);
        return (result with { Arguments = args }, long.Parse(await File.ReadAllTextAsync(rssFile)));
    }

    /// <summary>A tar holding one sparse file of <paramref name="size"/> zero bytes, compressed by zstd.</summary>
    private static async Task<byte[]> ZstdTarOfZerosAsync(TarFaultBench bench, long size)
    {
        string dir = bench.Scratch("bomb");
        string output = Path.Combine(dir, "bomb.tar.zst");
        using (var zeros = File.Create(Path.Combine(dir, "zeros")))
            zeros.SetLength(size);
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true };
        foreach (var arg in (string[])["-c", "tar -C \"$1\" -cf - zeros | zstd -q -1 -T0 -o \"$2\"", "sh", dir, output])
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
        File.Delete(Path.Combine(dir, "zeros"));
        return await File.ReadAllBytesAsync(output);
    }
}
