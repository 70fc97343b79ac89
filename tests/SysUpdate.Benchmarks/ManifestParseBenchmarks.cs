using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using SysUpdate.Core.Manifests;

namespace SysUpdate.Benchmarks;

/// <summary><c>Sha256SumsParser.Parse</c> of a 10 000-line manifest.</summary>
[MemoryDiagnoser]
public class ManifestParseBenchmarks
{
    private byte[] _content = [];
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            string hex = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)));
            text.Append(CultureInfo.InvariantCulture, $"{hex} *usr_{i / 10}.{i % 10}.raw.xz\n");
        }
        _content = Encoding.UTF8.GetBytes(text.ToString());
    }

    [Benchmark]
    public int Parse() => Sha256SumsParser.Parse(_content, "SHA256SUMS", _now, verifyFreshness: true).Entries.Count;
}
