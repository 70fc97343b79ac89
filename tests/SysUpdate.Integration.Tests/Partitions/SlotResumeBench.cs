using System.Security.Cryptography;
using System.Text;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Tests.Transport;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>
/// One resume test's world: a GPT image file <c>/disk.img</c> below a <c>--root</c> with two empty usr slots of
/// <see cref="SlotSize"/>, a url-file → partition transfer, and a Kestrel server on 127.0.0.1 that serves
/// <c>usr-VERSION.raw</c> (or <c>.raw.gz</c>) with ETag, Range and If-Range and counts the body bytes it sends.
/// </summary>
internal sealed class SlotResumeBench : IAsyncDisposable
{
    public const long MiB = 1024 * 1024;
    public const long SlotSize = 40 * MiB;

    private readonly TempDirectory _tmp = new("sysupdate-slot-resume-");
    private readonly StringBuilder _manifest = new();

    private SlotResumeBench(TestHttpServer server, long slotSize)
    {
        Server = server;
        Root = _tmp.Dir("root");
        Disk = Path.Combine(Root, "disk.img");
        Assert.True(GptPartitionTypes.TryResolve("usr", out Guid usrType));
        UsrType = usrType;
        GptImageBuilder.Create(Disk, (2 * slotSize) + (2 * MiB), [new GptPartitionSpec(usrType, "_empty", slotSize), new GptPartitionSpec(usrType, "_empty", slotSize)]);
        string definitions = _tmp.Dir("root", "etc", "sysupdate.d");
        File.WriteAllText(Path.Combine(definitions, "10-usr.transfer"), $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={SourceUrl}
            MatchPattern=usr-@v.raw
            MatchPattern=usr-@v.raw.gz

            [Target]
            Type=partition
            Path=/disk.img
            MatchPattern=usr_@v
            MatchPartitionType=usr
            """);
        SysUpdate = new SysUpdateProcess { Timeout = TimeSpan.FromSeconds(120) }
            .WithEnvironment("SYSTEMD_LOG_LEVEL", "warning")
            .ForLoopbackHttp(_tmp.Dir("cache"));
    }

    public TestHttpServer Server { get; }

    /// <summary>The bytes of v1, the version installed before a test starts.</summary>
    public byte[] V1 { get; } = RandomNumberGenerator.GetBytes((int)MiB);

    public SysUpdateProcess SysUpdate { get; }

    public string Root { get; }

    /// <summary>The image file (<c>/disk.img</c> below the root).</summary>
    public string Disk { get; }

    public Guid UsrType { get; }

    /// <summary>Where the product keeps its slot resume records (below the root).</summary>
    public string ResumeDirectory => Path.Combine(Root, "var/lib/systemd/sysupdate/resume");

    public string SourceUrl => Server.Url("/images/").AbsoluteUri.TrimEnd('/');

    /// <param name="slotSize">Size of each of the two slots.</param>
    public static async Task<SlotResumeBench> StartAsync(long slotSize = SlotSize) => new(await TestHttpServer.StartAsync(), slotSize);

    /// <summary>Publishes <c>/images/NAME</c> and adds it to <c>SHA256SUMS</c>.</summary>
    public ServedFile Publish(string name, byte[] content)
    {
        var served = Server.Serve(ServedPath(name), content);
        _manifest.Append(Convert.ToHexStringLower(SHA256.HashData(content))).Append(" *").Append(name).Append('\n');
        Server.Serve(ServedPath("SHA256SUMS"), Encoding.UTF8.GetBytes(_manifest.ToString()));
        return served;
    }

    /// <summary>Replaces the manifest with exactly these files (a release that was re-published).</summary>
    public void RepublishManifest(params (string Name, byte[] Content)[] files)
    {
        _manifest.Clear();
        foreach (var (name, content) in files)
            Publish(name, content);
    }

    public static string ServedPath(string name) => "/images/" + name;

    public string[] Arguments(params string[] args) => ["--root=" + Root, .. args];

    public Task<ProcessResult> RunAsync(params string[] args) => SysUpdate.RunAsync(Arguments(args));

    public WatchedRun Start(params string[] args) => WatchedRun.Start(SysUpdate, Arguments(args));

    public long BytesSent(string name) => Server.BytesSent(ServedPath(name));

    public IReadOnlyList<RequestRecord> Requests(string name) => Server.Requests(ServedPath(name));

    /// <summary>The records on disk, without the temporary a run killed while saving one leaves beside it.</summary>
    public string[] ResumeRecords() => ResumeFiles().Where(path => !path.EndsWith(".tmp", StringComparison.Ordinal)).ToArray();

    /// <summary>Everything in the resume directory, temporaries included: what a finished update must have removed.</summary>
    public string[] ResumeFiles() => Directory.Exists(ResumeDirectory) ? Directory.GetFiles(ResumeDirectory) : [];

    /// <summary>Asserts that <paramref name="label"/> is installed (usr type) and its first bytes are exactly <paramref name="image"/>.</summary>
    public void AssertInstalled(string label, byte[] image, string because)
    {
        using var gpt = GptDisk.Open(Disk, writable: false);
        var slots = string.Join(", ", gpt.Partitions.Select(p => $"{p.Number}:'{p.Name}':{p.Type}"));
        var slot = gpt.Partitions.SingleOrDefault(p => p.Name == label);
        Assert.True(slot is not null && slot.Type == UsrType, $"{because}: no installed slot '{label}' of the usr type among [{slots}]");
        var bytes = new byte[image.Length];
        using var handle = File.OpenHandle(Disk);
        Assert.Equal(image.Length, RandomAccess.Read(handle, bytes, slot.StartBytes));
        Assert.True(SHA256.HashData(bytes).AsSpan().SequenceEqual(SHA256.HashData(image)), $"{because}: slot {slot.Number} differs from the published image");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _tmp.Dispose();
    }
}
