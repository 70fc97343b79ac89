using System.Globalization;
using System.Text;
using SysUpdate.Core.Disk;
using SysUpdate.Integration.Tests.Http;

namespace SysUpdate.Benchmarks;

/// <summary>
/// The whole data path with the published executable: a payload served by nginx on loopback (sendfile, one
/// worker, so the server takes little of the client's cores, unlike an in-process Kestrel),
/// downloaded by <c>sysupdate update</c> into a partition of a sparse GPT image file; next to it each
/// stage alone (download, SHA-256, decoding, writing), so the ratio to the slowest stage shows how
/// well the stages overlap.
/// </summary>
internal static class EndToEndBenchmark
{
    private const long MiB = 1024 * 1024;
    private const long GiB = 1024 * MiB;
    private const string Label = "bench_1";

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        double sizeGib = args.GetDouble("size-gib", 1);
        long size = (long)(sizeGib * GiB);
        string codecArg = args.Get("codec", "both");
        int runs = args.GetInt("runs", 3);
        bool sync = args.Get("sync", "yes") is "yes" or "true" or "1";
        string[] codecs = codecArg switch
        {
            "both" => ["raw", "zstd"],
            "raw" or "zstd" => [codecArg],
            _ => throw new BenchmarkSetupException($"--codec must be raw, zstd or both, not '{codecArg}'"),
        };
        string root = RepoLayout.FindRoot();
        string binary = RepoLayout.SysUpdateBinary(root);
        string parent = args.Get("work-dir", "/var/tmp");

        // raw payload + zstd (≤ the size) + the slot written by sysupdate + the write stage's image, plus slack.
        long needed = (3 * size) + (codecs.Contains("zstd") ? size : 0) + GiB;
        long free = new DriveInfo(parent).AvailableFreeSpace;
        if (free < needed)
        {
            Console.WriteLine($"skipped: {parent} has {free / MiB} MiB free, a {sizeGib} GiB run needs about {needed / MiB} MiB (use --work-dir)");
            return 0;
        }

        string work = Path.Combine(parent, "sysupdate-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            return await RunInAsync(work, binary, size, codecs, runs, sync).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<int> RunInAsync(string work, string binary, long size, string[] codecs, int runs, bool sync)
    {
        string published = Directory.CreateDirectory(Path.Combine(work, "pub")).FullName;
        string rawPath = Path.Combine(published, "raw-1.img");
        Console.Error.WriteLine($"generating {size / MiB} MiB payload in {work} ...");
        PayloadGenerator.Write(rawPath, size, seed: 1);
        var files = new Dictionary<string, string>(StringComparer.Ordinal) { ["raw"] = rawPath };
        if (codecs.Contains("zstd"))
        {
            string zst = Path.Combine(published, "zstd-1.img.zst");
            Console.Error.WriteLine("compressing with zstd -3 ...");
            var zstd = await ChildProcess.RunAsync("zstd", ["-q", "-3", "-T0", "-f", "-o", zst, rawPath], pollRss: false).ConfigureAwait(false);
            if (zstd.ExitCode != 0)
                throw new BenchmarkSetupException($"zstd failed: {zstd.Output.Trim()}");
            files["zstd"] = zst;
        }
        var manifest = new StringBuilder();
        string rawSha256 = string.Empty;
        foreach (var (codec, path) in files)
        {
            var (_, sha) = await Stages.HashFileAsync(path).ConfigureAwait(false);
            if (codec == "raw")
                rawSha256 = sha;
            manifest.Append(CultureInfo.InvariantCulture, $"{sha} *{Path.GetFileName(path)}\n");
        }
        await File.WriteAllTextAsync(Path.Combine(published, "SHA256SUMS"), manifest.ToString()).ConfigureAwait(false);

        if (!File.Exists(NginxServer.Executable))
            throw new BenchmarkSetupException($"{NginxServer.Executable} does not exist (apt-get install nginx-light)");
        await using var nginx = await NginxServer.StartAsync(published).ConfigureAwait(false);
        var baseUrl = new Uri(nginx.BaseUrl + "/");
        var rows = new List<string>();
        foreach (string codec in codecs)
        {
            string file = files[codec];
            var samples = new List<E2eSample>();
            for (int run = 0; run < runs; run++)
            {
                var sample = await RunOnceAsync(work, binary, baseUrl, codec, file, size, rawSha256, sync).ConfigureAwait(false);
                Console.Error.WriteLine(
                    $"{codec} run {run + 1}/{runs}: e2e {sample.EndToEnd:F2} s, peak RSS {sample.PeakRssBytes / (double)MiB:F1} MiB, child CPU {sample.ChildCpu:F2} s; alone: download {sample.Download:F2} s, "
                    + $"sha256 {sample.Sha256:F2} s, decode {sample.Decode:F2} s, write {sample.Write:F2} s");
                samples.Add(sample);
            }
            rows.Add(FormatRow(codec, size, new FileInfo(file).Length, samples));
        }

        Console.WriteLine();
        Console.WriteLine($"Median of {runs} runs, sync={(sync ? "yes" : "no")}, served by nginx (sendfile) on 127.0.0.1; MiB/s are image (uncompressed) MiB per second for every column; peak RSS is the largest.");
        Console.WriteLine();
        Console.WriteLine("e2e is with read-back (the default); \"no read-back\" is the same update with SYSUPDATE_READBACK=0.");
        Console.WriteLine("\"ideal pipeline\" is not the product: receive, SHA-256, decode and O_DIRECT write on dedicated threads handing whole 1 MiB buffers on, with nothing else to do;");
        Console.WriteLine("\"ideal / no read-back\" is its time over the update's without read-back (1.00: the update is as fast as the stages side by side allow).");
        Console.WriteLine();
        Console.WriteLine("| codec | image | published | e2e s | e2e MiB/s | no read-back s | read-back cost | peak RSS MiB | download MiB/s | SHA-256 MiB/s | decode MiB/s | write MiB/s | slowest stage | ratio | ideal pipeline s | ideal / no read-back | child CPU s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (string row in rows)
            Console.WriteLine(row);
        return 0;
    }

    private static async Task<E2eSample> RunOnceAsync(string work, string binary, Uri baseUrl, string codec, string file, long size, string rawSha256, bool sync)
    {
        long slotSize = size + MiB;
        string image = Path.Combine(work, "disk.img");
        string definitions = Directory.CreateDirectory(Path.Combine(work, "defs-" + codec)).FullName;
        string pattern = codec == "raw" ? "raw-@v.img" : "zstd-@v.img.zst";
        await File.WriteAllTextAsync(Path.Combine(definitions, "bench.transfer"), $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={baseUrl}
            MatchPattern={pattern}

            [Target]
            Type=partition
            Path={image}
            MatchPattern=bench_@v
            MatchPartitionType=linux-generic

            """).ConfigureAwait(false);

        // Stages alone, each on its own; CPU time of this process too (the download's includes the server's).
        var cpu = new double[4];
        PageCache.WriteBackAll();
        double before = CpuSeconds();
        var (download, downloaded) = await Stages.DownloadAsync(new Uri(baseUrl, Path.GetFileName(file))).ConfigureAwait(false);
        cpu[0] = CpuSeconds() - before;
        if (downloaded != new FileInfo(file).Length)
            throw new BenchmarkSetupException($"download stage read {downloaded} bytes of {new FileInfo(file).Length}");
        PageCache.WriteBackAll();
        before = CpuSeconds();
        var (sha, publishedSha256) = await Stages.HashFileAsync(file).ConfigureAwait(false);
        cpu[1] = CpuSeconds() - before;
        PageCache.WriteBackAll();
        before = CpuSeconds();
        var (decode, decoded) = await Stages.DecodeFileAsync(file).ConfigureAwait(false);
        cpu[2] = CpuSeconds() - before;
        if (decoded != size)
            throw new BenchmarkSetupException($"decode stage produced {decoded} bytes, expected {size}");
        var slots = CreateImage(image, slotSize);
        PageCache.WriteBackAll();
        before = CpuSeconds();
        var write = await Stages.WriteAsync(image, slots[0].StartBytes, slots[0].SizeBytes, size, sync).ConfigureAwait(false);
        cpu[3] = CpuSeconds() - before;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  stage CPU s: download+serve {cpu[0]:F2}, sha256 {cpu[1]:F2}, decode {cpu[2]:F2}, write {cpu[3]:F2}"));

        // The yardstick: the same stages on dedicated threads with nothing else to do, into a fresh image.
        File.Delete(image);
        slots = CreateImage(image, slotSize);
        PageCache.WriteBackAll();
        var format = codec == "raw" ? SysUpdate.Core.Compression.CompressionFormat.None : SysUpdate.Core.Compression.CompressionFormat.Zstd;
        var floor = await Task.Run(() => IdealPipeline.Run(new Uri(baseUrl, Path.GetFileName(file)), format, image, slots[0].StartBytes)).ConfigureAwait(false);
        if (floor.Written != size || floor.Sha256 != publishedSha256)
            throw new BenchmarkSetupException($"ideal pipeline wrote {floor.Written} bytes with SHA-256 {floor.Sha256}, expected {size} and {publishedSha256}");
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ideal pipeline (dedicated threads, nothing else) {floor.Time.TotalSeconds:F2} s"));

        // End to end, on a fresh image: with read-back (the default), then without it.
        var child = await RunUpdateAsync(binary, definitions, image, slotSize, size, rawSha256, sync, readback: true).ConfigureAwait(false);
        var noReadback = await RunUpdateAsync(binary, definitions, image, slotSize, size, rawSha256, sync, readback: false).ConfigureAwait(false);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  e2e with read-back {child.Wall.TotalSeconds:F2} s, without (SYSUPDATE_READBACK=0) {noReadback.Wall.TotalSeconds:F2} s"));

        return new E2eSample(child.Wall.TotalSeconds, child.PeakRssBytes, child.CpuSeconds, download.TotalSeconds, sha.TotalSeconds, decode.TotalSeconds, write.TotalSeconds,
            noReadback.Wall.TotalSeconds, floor.Time.TotalSeconds);
    }

    private static async Task<ChildResult> RunUpdateAsync(
        string binary, string definitions, string image, long slotSize, long size, string rawSha256, bool sync, bool readback)
    {
        File.Delete(image);
        CreateImage(image, slotSize);
        List<string> arguments = [$"--definitions={definitions}", "--verify=no"];
        if (!sync)
            arguments.Add("--sync=no");
        arguments.Add("update");
        PageCache.WriteBackAll();
        var environment = readback ? null : new Dictionary<string, string> { ["SYSUPDATE_READBACK"] = "0" };
        var child = await ChildProcess.RunAsync(binary, arguments, pollRss: true, environment: environment).ConfigureAwait(false);
        if (child.ExitCode != 0)
            throw new BenchmarkSetupException($"sysupdate {string.Join(' ', arguments)} failed with exit code {child.ExitCode}:\n{child.Output.Trim()}");
        if (readback != child.Output.Contains("read back", StringComparison.Ordinal))
            throw new BenchmarkSetupException($"sysupdate {(readback ? "did not log" : "logged")} a read-back:\n{child.Output.Trim()}");
        await VerifySlotAsync(image, size, rawSha256).ConfigureAwait(false);
        File.Delete(image);
        return child;
    }

    private static double CpuSeconds()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    private static IReadOnlyList<GptPartition> CreateImage(string image, long slotSize) =>
        GptImageBuilder.Create(image, (2 * slotSize) + (4 * MiB),
        [
            new GptPartitionSpec(GptPartitionTypes.LinuxGeneric, "_empty", slotSize),
            new GptPartitionSpec(GptPartitionTypes.LinuxGeneric, "_empty", slotSize),
        ]);

    /// <summary>The installed slot must carry the final label and type and hold exactly the raw payload's bytes.</summary>
    private static async Task VerifySlotAsync(string image, long size, string rawSha256)
    {
        GptPartition slot;
        using (var disk = GptDisk.Open(image, writable: false))
        {
            slot = disk.Partitions.SingleOrDefault(p => p.Name == Label && p.Type == GptPartitionTypes.LinuxGeneric)
                ?? throw new BenchmarkSetupException($"{image}: no installed partition labelled {Label} after the update");
        }
        using var handle = File.OpenHandle(image);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        byte[] buffer = new byte[4 * MiB];
        for (long done = 0; done < size;)
        {
            int n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - done)), slot.StartBytes + done).ConfigureAwait(false);
            hash.AppendData(buffer, 0, n);
            done += n;
        }
        string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != rawSha256)
            throw new BenchmarkSetupException($"{image}: slot {slot.Number} holds SHA-256 {actual}, the payload has {rawSha256}");
    }

    private static string FormatRow(string codec, long size, long publishedBytes, List<E2eSample> samples)
    {
        double e2e = Median(samples.Select(s => s.EndToEnd));
        double noReadback = Median(samples.Select(s => s.EndToEndNoReadback));
        var stages = new (string Name, double Seconds)[]
        {
            ("download", Median(samples.Select(s => s.Download))),
            ("SHA-256", Median(samples.Select(s => s.Sha256))),
            ("decode", Median(samples.Select(s => s.Decode))),
            ("write", Median(samples.Select(s => s.Write))),
        };
        var slowest = stages.MaxBy(s => s.Seconds);
        // The ratio per run (its own stages against its own end-to-end time), then the median: the machine's
        // load drifts between runs, and a run's stages were measured right next to it.
        double ratio = Median(samples.Select(s => Math.Max(Math.Max(s.Download, s.Sha256), Math.Max(s.Decode, s.Write)) / s.EndToEnd));
        double floor = Median(samples.Select(s => s.IdealPipeline));
        double ofFloor = Median(samples.Select(s => s.IdealPipeline / s.EndToEndNoReadback));
        double mib = size / (double)MiB;
        string Rate(double seconds) => (mib / seconds).ToString("F0", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {codec} | {size / (double)GiB:0.##} GiB | {publishedBytes / (double)MiB:F0} MiB | {e2e:F2} | {Rate(e2e)} | {noReadback:F2} | {e2e - noReadback:+0.00;-0.00} s ({(e2e - noReadback) / noReadback:+0%;-0%}) | {samples.Max(s => s.PeakRssBytes) / (double)MiB:F1} | "
            + $"{Rate(stages[0].Seconds)} | {Rate(stages[1].Seconds)} | {Rate(stages[2].Seconds)} | {Rate(stages[3].Seconds)} | {slowest.Name} | {ratio:F2} | {floor:F2} | {ofFloor:F2} | {Median(samples.Select(s => s.ChildCpu)):F2} |");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
