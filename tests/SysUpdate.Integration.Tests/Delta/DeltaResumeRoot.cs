using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Native;
using SysUpdate.Core.Pipeline;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Delta;

/// <summary>
/// One machine updated from a <see cref="DeltaRelease"/>: a <c>--root</c> directory with one <c>url-file</c> transfer
/// (<c>usr_@v.raw</c>, <c>Verify=no</c>) into either files below <c>/var/lib/images</c> or the two usr slots of the GPT
/// image file <c>/disk.img</c> (A, then B; each a MiB larger than the image, so "the first len(image) bytes" is what is
/// compared). The CLI logs at info level (the delta's summary and fallback lines), with a private download cache,
/// short transport timeouts and no proxy.
/// </summary>
internal sealed class DeltaResumeRoot : IDisposable
{
    public const string TargetDirectory = "/var/lib/images";
    public const string DiskImage = "/disk.img";
    public const int SlotA = 1, SlotB = 2;
    private const long MiB = 1024 * 1024;

    private readonly TempDirectory _tmp = new("sysupdate-delta-root-");
    private readonly IReadOnlyList<GptPartition> _layout = [];

    public DeltaResumeRoot(DeltaRelease release, DeltaResumeTarget kind)
    {
        Release = release;
        Kind = kind;
        Root = _tmp.Dir("root");
        Definitions = _tmp.Dir("root", "etc", "sysupdate.d");
        Sysupdate = new SysUpdateProcess { Timeout = TimeSpan.FromSeconds(60) }
            .WithEnvironment("SYSTEMD_LOG_LEVEL", "info")
            .WithEnvironment("SYSUPDATE_READBACK", null)
            .ForLoopbackHttp(_tmp.Dir("cache"));
        if (kind == DeltaResumeTarget.Partition)
        {
            long slot = ((release.Options.ImageSize + MiB - 1) / MiB * MiB) + MiB;
            _layout = GptImageBuilder.Create(InRoot(DiskImage), (2 * slot) + (3 * MiB),
                [new GptPartitionSpec(UsrType, "_empty", slot), new GptPartitionSpec(UsrType, "_empty", slot)]);
        }
        else
        {
            Directory.CreateDirectory(InRoot(TargetDirectory));
        }
    }

    public static Guid UsrType { get; } = GptPartitionTypes.TryResolve("usr", out var type) ? type : throw new InvalidOperationException("no usr partition type");

    public static Guid UsrPartialType { get; } = GptPartitionTypes.DerivePartialType(UsrType);

    public DeltaRelease Release { get; }

    public DeltaResumeTarget Kind { get; }

    public string Root { get; }

    public string Definitions { get; }

    public SysUpdateProcess Sysupdate { get; }

    public string Disk => InRoot(DiskImage);

    /// <summary>Where the file target puts version <paramref name="version"/>.</summary>
    public string InstalledFile(int version) => Path.Combine(InRoot(TargetDirectory), Release.ImageName(version));

    public string InRoot(string absolute) => Path.Combine(Root, absolute.TrimStart('/'));

    /// <summary>(Re)writes the transfer with its source at <paramref name="sourceUrl"/> (an nginx base URL or <c>file://</c>).</summary>
    public void WriteTransfer(string sourceUrl)
    {
        string target = Kind == DeltaResumeTarget.Partition
            ? $"""
              Type=partition
              Path={DiskImage}
              MatchPattern={Release.Options.Name}_@v
              MatchPartitionType=usr
              """
            : $"""
              Type=regular-file
              Path={TargetDirectory}
              MatchPattern={Release.Options.Name}_@v.raw
              """;
        File.WriteAllText(Path.Combine(Definitions, "10-usr.transfer"), $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={sourceUrl}
            MatchPattern={Release.Options.Name}_@v.raw

            [Target]
            {target}
            """);
    }

    public static string FileUrl(DeltaRelease release) => new Uri(release.Directory).AbsoluteUri;

    public Task<ProcessResult> RunAsync(params string[] args) => Sysupdate.RunAsync(["--root=" + Root, .. args]);

    public DeltaResumeRun Start(params string[] args) => DeltaResumeRun.Start(Sysupdate, ["--root=" + Root, .. args]);

    /// <summary>Installs v1 the ordinary way (a whole download: nothing local to seed from) and checks it landed.</summary>
    public async Task InstallV1Async()
    {
        (await RunAsync("update", "1")).ShouldExit(0);
        Assert.Equal(Release.Sha256(1), InstalledSha256(1));
    }

    /// <summary>
    /// SHA-256 of version <paramref name="version"/> as installed: the file, or the first len(image) bytes of the slot
    /// that carries its label with the configured type; null if it is not installed.
    /// </summary>
    public string? InstalledSha256(int version)
    {
        if (Kind == DeltaResumeTarget.File)
        {
            string file = InstalledFile(version);
            if (!File.Exists(file))
                return null;
            using var stream = File.OpenRead(file);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        using var disk = GptDisk.Open(Disk, writable: false);
        var slot = disk.Partitions.SingleOrDefault(p => p.Name == $"{Release.Options.Name}_{version}" && p.Type == UsrType);
        return slot is null ? null : SlotSha256(slot, new FileInfo(Release.ImagePath(version)).Length);
    }

    /// <summary>
    /// Bytes of v2's changed regions that an interrupted run has already put where they belong: in the resume file
    /// (file target) or the slot after slot A (partition target). What the next run can find in place.
    /// </summary>
    public long V2ChangedBytesInPlace()
    {
        string path;
        long start;
        if (Kind == DeltaResumeTarget.File)
        {
            path = ResumeState.DataPath(InstalledFile(2));
            start = 0;
            if (!File.Exists(path))
                return 0;
        }
        else
        {
            // From the layout as created, not the live table: a run may be rewriting that right now.
            path = Disk;
            start = _layout[SlotB - 1].StartBytes;
        }
        // Plain open(2), no flock: File.OpenHandle's shared lock would fail on the resume file (the run holds it
        // exclusively) and would block the run's own locked table writes on the disk image.
        SafeFileHandle target;
        try
        {
            target = LibC.OpenExpecting(path, DiskInterop.O_RDONLY, FileKind.Regular);
        }
        catch (FileOpenException)
        {
            return 0; // the resume file was just renamed into place: the run is past the download
        }
        using var owned = target;
        using var v2 = File.OpenHandle(Release.V2Image);
        long same = 0;
        foreach (var region in Release.ChangedRegions)
        {
            byte[] expected = new byte[region.Length], actual = new byte[region.Length];
            RandomAccess.Read(v2, expected, region.Offset);
            int n = RandomAccess.Read(target, actual, start + region.Offset);
            for (int i = 0; i < n; i++)
            {
                if (expected[i] == actual[i])
                    same++;
            }
        }
        return same;
    }

    public GptPartition Slot(int number)
    {
        using var disk = GptDisk.Open(Disk, writable: false);
        return disk.FindPartition(number) ?? throw new InvalidOperationException($"{Disk} has no partition {number}");
    }

    /// <summary>SHA-256 of the first <paramref name="length"/> bytes of <paramref name="slot"/>, read at its GPT offset.</summary>
    public string SlotSha256(GptPartition slot, long length)
    {
        Assert.True(length <= slot.SizeBytes, $"{length} bytes do not fit partition {slot.Number} ({slot.SizeBytes} bytes)");
        using var stream = new FileStream(Disk, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = slot.StartBytes;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[MiB];
        for (long left = length; left > 0;)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            Assert.True(n > 0, $"{Disk} ends inside partition {slot.Number}");
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Dispose() => _tmp.Dispose();
}
