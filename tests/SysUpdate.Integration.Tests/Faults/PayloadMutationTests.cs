using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// Hostile payloads whose manifest hash matches (the attacker controls the server and the manifest is unsigned): seeded
/// mutations of an xz (multi-block, decoded on workers), zstd, gzip and bzip2 image — flipped bits, a replaced byte,
/// truncation, trailing garbage. Each run either installs exactly what decoding the published bytes gives (the original
/// image, or the bytes themselves once a mutation broke the magic and the payload is raw), or fails with one line, no stack
/// trace, nothing installed and nothing readable by others left behind.
/// </summary>
public sealed class PayloadMutationTests : IDisposable
{
    private const int Mutations = 12;

    private readonly OperationsRoot _root = new();
    private readonly SysUpdateProcess _sysupdate = new SysUpdateProcess().WithEnvironment("SYSTEMD_LOG_LEVEL", "err");

    public void Dispose() => _root.Dispose();

    public static TheoryData<string, string[]> Codecs() => new()
    {
        { "xz", ["xz", "-0", "-T2", "--block-size=128KiB"] },
        { "zstd", ["zstd", "-q", "-3"] },
        { "gzip", ["gzip", "-6"] },
        { "bzip2", ["bzip2", "-9"] },
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Update_MutatedCompressedPayload_InstallsExactlyItsDecodingOrFailsInOneLine(string codec, string[] compressor)
    {
        byte[] image = _root.Publish("v2", 1024 * 1024);
        string published = Path.Combine(_root.Source, "app-v2.bin");
        byte[] compressed = Compressor.Compress(published, compressor);
        var random = new Random(codec.Length * 7919);
        int installed = 0, refused = 0;
        for (int i = 0; i < Mutations; i++)
        {
            (byte[] mutated, string how) = ByteMutation.Apply(compressed, random);
            string because = $"{codec}, mutation {i}: {how}";
            File.WriteAllBytes(published, mutated);
            File.WriteAllText(Path.Combine(_root.Source, "SHA256SUMS"), $"{Convert.ToHexStringLower(SHA256.HashData(mutated))} *app-v2.bin\n");
            if (Directory.Exists(_root.TargetDirectory))
                Directory.Delete(_root.TargetDirectory, recursive: true);

            var result = await _sysupdate.RunAsync([$"--root={_root.Root}", "--verify=no", "update"]);

            if (result.ExitCode == 0)
            {
                byte[] got = File.ReadAllBytes(_root.Installed("v2"));
                Assert.True(got.AsSpan().SequenceEqual(image) || got.AsSpan().SequenceEqual(mutated), $"{because}: installed other bytes");
                installed++;
                continue;
            }
            RunAssert.NoStackTrace(result, because);
            Assert.True(RunAssert.MessageLines(result).Count == 1, $"{because}: expected one line\n{result}");
            Assert.False(File.Exists(_root.Installed("v2")), because);
            foreach (string left in Directory.Exists(_root.TargetDirectory) ? Directory.GetFileSystemEntries(_root.TargetDirectory) : [])
                Assert.True((File.GetUnixFileMode(left) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) == 0, $"{because}: {left} is readable by others");
            refused++;
        }
        Assert.True(refused > 0, $"{codec}: no mutation was refused ({installed} installed): the campaign tested nothing");
    }
}
