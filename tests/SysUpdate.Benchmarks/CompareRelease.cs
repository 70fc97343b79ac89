using System.Globalization;
using System.Text;

namespace SysUpdate.Benchmarks;

/// <summary>
/// Version 2 of one image-like payload, published once per codec (the same bytes for both tools), with an unsigned
/// SHA256SUMS: <c>img_2.raw</c>, <c>.gz</c> (gzip -6), <c>.xz</c> (xz -6 -T0: multi-block once the image is larger
/// than xz's block size), <c>.zst</c> (zstd -3 -T0), <c>.bz2</c> (bzip2 -9); the raw one is always listed.
/// </summary>
internal sealed class CompareRelease
{
    public const string Version = "2";
    private const string RawName = "img_" + Version + ".raw";

    private CompareRelease(string directory, string payloadSha256, IReadOnlyDictionary<string, PublishedImage> images)
    {
        Directory = directory;
        PayloadSha256 = payloadSha256;
        Images = images;
    }

    public string Directory { get; }

    public string PayloadSha256 { get; }

    public IReadOnlyDictionary<string, PublishedImage> Images { get; }

    public static IReadOnlyList<string> KnownCodecs { get; } = ["raw", "gzip", "xz", "zstd", "bzip2"];

    /// <summary>The transfer's MatchPattern for a codec's file.</summary>
    public static string MatchPattern(string codec) => "img_@v.raw" + Suffix(codec);

    public static async Task<CompareRelease> BuildAsync(string directory, long size, IReadOnlyList<string> codecs)
    {
        System.IO.Directory.CreateDirectory(directory);
        string raw = Path.Combine(directory, RawName);
        Console.Error.WriteLine($"generating the {size / (1024 * 1024)} MiB payload in {directory} ...");
        PayloadGenerator.Write(raw, size, seed: 1);
        var images = new Dictionary<string, PublishedImage>(StringComparer.Ordinal);
        var manifest = new StringBuilder();
        // The raw image is always listed: check-new looks for it.
        foreach (string codec in codecs.Contains("raw") ? codecs : ["raw", .. codecs])
        {
            if (codec != "raw")
                await CompressAsync(codec, raw).ConfigureAwait(false);
            string name = RawName + Suffix(codec);
            string path = Path.Combine(directory, name);
            string note = codec == "xz" ? await XzBlocksAsync(path).ConfigureAwait(false) : string.Empty;
            images[codec] = new PublishedImage(codec, name, new FileInfo(path).Length, note);
            var (_, sha) = await Stages.HashFileAsync(path).ConfigureAwait(false);
            manifest.Append(CultureInfo.InvariantCulture, $"{sha} *{name}\n");
        }
        var (_, payloadSha) = await Stages.HashFileAsync(raw).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "SHA256SUMS"), manifest.ToString()).ConfigureAwait(false);
        return new CompareRelease(directory, payloadSha, images);
    }

    private static string Suffix(string codec) => codec switch
    {
        "raw" => string.Empty,
        "gzip" => ".gz",
        "xz" => ".xz",
        "zstd" => ".zst",
        "bzip2" => ".bz2",
        _ => throw new BenchmarkSetupException($"unknown codec '{codec}' (known: {string.Join(',', KnownCodecs)})"),
    };

    /// <summary>Compresses next to the raw file, keeping it (each tool's own naming gives the suffix).</summary>
    private static async Task CompressAsync(string codec, string raw)
    {
        string[] command = codec switch
        {
            "gzip" => ["gzip", "-6", "-k", "-f", raw],
            "xz" => ["xz", "-6", "-T0", "-k", "-f", raw],
            "zstd" => ["zstd", "-q", "-3", "-T0", "-f", "-o", raw + ".zst", raw],
            "bzip2" => ["bzip2", "-9", "-k", "-f", raw],
            _ => throw new BenchmarkSetupException($"unknown codec '{codec}'"),
        };
        Console.Error.WriteLine($"compressing: {string.Join(' ', command)} ...");
        var result = await ChildProcess.RunAsync(command[0], command[1..], pollRss: false).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new BenchmarkSetupException($"{string.Join(' ', command)} failed with exit code {result.ExitCode}: {result.Output.Trim()}");
    }

    /// <summary>"N blocks" from <c>xz --robot --list</c> (its totals line: streams, blocks, …).</summary>
    private static async Task<string> XzBlocksAsync(string path)
    {
        var list = await ChildProcess.RunAsync("xz", ["--robot", "--list", path], pollRss: false).ConfigureAwait(false);
        string? totals = list.Output.Split('\n').FirstOrDefault(l => l.StartsWith("totals\t", StringComparison.Ordinal));
        if (list.ExitCode != 0 || totals is null)
            throw new BenchmarkSetupException($"xz --robot --list {path} failed: {list.Output.Trim()}");
        int blocks = int.Parse(totals.Split('\t')[2], CultureInfo.InvariantCulture);
        return blocks > 1 ? $"{blocks} blocks" : "1 block (smaller than xz's block size: not multi-block)";
    }
}
