using System.Security.Cryptography;
using System.Text;
using SysUpdate.Integration.Tests.Http;

namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// Versions 1 and 2 of an image published the way a vendor publishes a delta-capable release, with the
/// real <c>casync</c>: in <see cref="Directory"/> the images (<c>usr_1.raw</c>, <c>usr_2.raw</c>, optionally
/// <c>.zst</c>), their indexes <c>usr_1.raw.caibx</c> and <c>usr_2.raw.caibx</c> (named after the image
/// without its compression suffix, describing the uncompressed image), the chunk store
/// <c>default.castr/</c> both indexes share, and <c>SHA256SUMS</c> over images and indexes (not chunks),
/// optionally signed. v2 differs from v1 in <see cref="DeltaReleaseOptions.ChangedFraction"/> of its
/// bytes, in contiguous regions (<see cref="DeltaImages"/>).
/// </summary>
internal sealed class DeltaRelease
{
    public const string StoreName = "default.castr";
    public const string CasyncExecutable = "/usr/bin/casync";
    private static readonly TimeSpan CasyncPatience = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, string> _sha256 = new(StringComparer.Ordinal);
    private readonly string _gnupgHome;

    private DeltaRelease(string workDirectory, DeltaReleaseOptions options)
    {
        Options = options;
        Directory = System.IO.Directory.CreateDirectory(Path.Combine(workDirectory, "www")).FullName;
        _gnupgHome = Path.Combine(workDirectory, "gnupg");
        Keyring = options.Sign ? Path.Combine(workDirectory, "trusted.pgp") : null;
        string images = options.PublishRaw ? Directory : System.IO.Directory.CreateDirectory(Path.Combine(workDirectory, "images")).FullName;
        V1Image = Path.Combine(images, ImageName(1));
        V2Image = Path.Combine(images, ImageName(2));
    }

    public DeltaReleaseOptions Options { get; }

    /// <summary>The release directory: serve it (nginx root) or point a <c>file://</c> source at it.</summary>
    public string Directory { get; }

    public string StoreDirectory => Path.Combine(Directory, StoreName);

    public string ManifestPath => Path.Combine(Directory, "SHA256SUMS");

    /// <summary>The uncompressed v1 image (inside <see cref="Directory"/> when raw images are published).</summary>
    public string V1Image { get; }

    /// <summary>The uncompressed v2 image.</summary>
    public string V2Image { get; }

    /// <summary>The public key that verifies SHA256SUMS.gpg (for <c>SYSTEMD_OPENPGP_KEYRING</c>), or null if unsigned.</summary>
    public string? Keyring { get; }

    public IReadOnlyList<ChangedRegion> ChangedRegions { get; private set; } = [];

    /// <summary>Chunk files (paths relative to <see cref="Directory"/>, e.g. <c>default.castr/ab12/ab12….cacnk</c>)
    /// that v2's index names and v1's does not: what a delta update from v1 has to fetch.</summary>
    public IReadOnlyList<string> V2OnlyChunks { get; private set; } = [];

    /// <summary>The chunk file broken as <see cref="DeltaReleaseOptions.Corruption"/> says (relative to <see cref="Directory"/>), or null.</summary>
    public string? CorruptedChunk { get; private set; }

    /// <summary><c>usr_2.raw</c>, or <c>usr_2.raw.zst</c>.</summary>
    public string ImageName(int version, bool zstd = false) => $"{Options.Name}_{version}.raw{(zstd ? ".zst" : string.Empty)}";

    /// <summary><c>usr_2.raw.caibx</c>: the index of both <c>usr_2.raw</c> and <c>usr_2.raw.zst</c>.</summary>
    public string IndexName(int version) => ImageName(version) + ".caibx";

    public string ImagePath(int version) => version switch
    {
        1 => V1Image,
        2 => V2Image,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "a delta release has versions 1 and 2"),
    };

    /// <summary>SHA-256 of the uncompressed image, lower-case hex.</summary>
    public string Sha256(int version) => Hash(ImagePath(version));

    /// <summary>Bytes on disk of <see cref="V2OnlyChunks"/>: the least a delta update from v1 fetches.</summary>
    public long V2OnlyChunkBytes => V2OnlyChunks.Sum(c => new FileInfo(Path.Combine(Directory, c)).Length);

    public static async Task<DeltaRelease> BuildAsync(string workDirectory, DeltaReleaseOptions? options = null, CancellationToken cancellationToken = default)
    {
        var release = new DeltaRelease(workDirectory, options ?? new DeltaReleaseOptions());
        await release.BuildAsync(cancellationToken);
        return release;
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        ChangedRegions = DeltaImages.Write(V1Image, V2Image, Options.ImageSize, Options.Seed, Options.ChangedFraction, Options.MinRegion);
        if (Options.PublishZstd)
        {
            foreach (int version in new[] { 1, 2 })
                await ExternalTool.RunAsync("zstd", ["-q", "-f", "-T0", "-o", Path.Combine(Directory, ImageName(version, zstd: true)), ImagePath(version)], timeout: CasyncPatience);
        }
        await MakeIndexAsync(1, cancellationToken);
        var v1Chunks = StoreFiles();
        await MakeIndexAsync(2, cancellationToken);
        V2OnlyChunks = StoreFiles().Except(v1Chunks).Order(StringComparer.Ordinal).ToList();
        if (Options.Corruption != ChunkCorruption.None)
        {
            CorruptedChunk = V2OnlyChunks.FirstOrDefault()
                ?? throw new InvalidOperationException("v2 has no chunk of its own to corrupt; raise ChangedFraction");
            await CorruptAsync(Path.Combine(Directory, CorruptedChunk));
        }
        if (Options.Sign)
            await CreateKeyAsync();
        await WriteManifestAsync(Options.V2Index, cancellationToken);
        if (Options.V2Index != IndexPublication.Published)
            File.Delete(Path.Combine(Directory, IndexName(2)));
    }

    private Task MakeIndexAsync(int version, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string digest = Options.Digest == CasyncDigest.Sha256 ? "sha256" : "sha512-256";
        return ExternalTool.RunAsync(CasyncExecutable,
            [$"--store={StoreDirectory}", $"--digest={digest}", $"--compression={CompressionName}", "make",
             Path.Combine(Directory, IndexName(version)), ImagePath(version)],
            timeout: CasyncPatience);
    }

    private string CompressionName => Options.ChunkCompression switch
    {
        CasyncCompression.Zstd => "zstd",
        CasyncCompression.Xz => "xz",
        CasyncCompression.Gzip => "gzip",
        _ => throw new ArgumentOutOfRangeException(nameof(Options), Options.ChunkCompression, null),
    };

    private HashSet<string> StoreFiles() =>
        System.IO.Directory.EnumerateFiles(StoreDirectory, "*.cacnk", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, f)).ToHashSet(StringComparer.Ordinal);

    private async Task CorruptAsync(string chunk)
    {
        if (Options.Corruption == ChunkCorruption.FlippedByte)
        {
            FlipMiddleByte(chunk);
            return;
        }
        // The codec's own tool (zstd, xz, gzip) under the same name casync's option uses.
        string plain = chunk + ".plain";
        await ExternalTool.RunAsync("sh", ["-c", "\"$0\" -dc \"$1\" > \"$2\"", CompressionName, chunk, plain]);
        FlipMiddleByte(plain);
        await ExternalTool.RunAsync("sh", ["-c", "\"$0\" -c \"$1\" > \"$2\"", CompressionName, plain, chunk]);
        File.Delete(plain);
    }

    private static void FlipMiddleByte(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// (Re)writes SHA256SUMS over both versions' images and indexes, v2's index as <paramref name="v2Index"/>
    /// says, and signs it when the release is signed. The index files stay on disk either way: a client
    /// that is not told of an index does not fetch it.
    /// </summary>
    public async Task WriteManifestAsync(IndexPublication v2Index, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        foreach (int version in new[] { 1, 2 })
        {
            if (Options.PublishRaw)
                names.Add(ImageName(version));
            if (Options.PublishZstd)
                names.Add(ImageName(version, zstd: true));
            if (version == 1 || v2Index != IndexPublication.NotListed)
                names.Add(IndexName(version));
        }
        var text = new StringBuilder();
        foreach (string name in names)
            text.Append(Hash(Path.Combine(Directory, name))).Append(" *").Append(name).Append('\n');
        await File.WriteAllTextAsync(ManifestPath, text.ToString(), cancellationToken);
        if (Options.Sign)
            await SignAsync();
    }

    private string Hash(string path)
    {
        if (!_sha256.TryGetValue(path, out string? hash))
        {
            using var stream = File.OpenRead(path);
            _sha256[path] = hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        return hash;
    }

    private async Task CreateKeyAsync()
    {
        System.IO.Directory.CreateDirectory(_gnupgHome);
        File.SetUnixFileMode(_gnupgHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            await ExternalTool.RunAsync("gpg", ["--homedir", _gnupgHome, "--batch", "--quiet", "--passphrase", "", "--quick-gen-key",
                "SysUpdate delta release <delta@sysupdate.invalid>", "ed25519", "sign", "never"]);
            await ExternalTool.RunAsync("gpg", ["--homedir", _gnupgHome, "--batch", "--quiet", "--yes", "--output", Keyring!, "--export"]);
        }
        finally
        {
            await ExternalTool.KillGpgAgentAsync(_gnupgHome);
        }
    }

    private async Task SignAsync()
    {
        try
        {
            await ExternalTool.RunAsync("gpg", ["--homedir", _gnupgHome, "--batch", "--quiet", "--yes", "--detach-sign",
                "--output", ManifestPath + ".gpg", ManifestPath]);
        }
        finally
        {
            await ExternalTool.KillGpgAgentAsync(_gnupgHome);
        }
    }
}
