using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using SysUpdate.Core.Tests.Transport;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// One tar fault test's world: a root directory for <c>--root</c> whose <c>/etc/sysupdate.d</c> holds a
/// <c>url-tar</c> → <c>directory</c> transfer into <c>/var/lib/machines</c> (with <c>CurrentSymlink=current</c>),
/// a server on 127.0.0.1 publishing tarballs built by the test with a SHA256SUMS, and the built CLI.
/// </summary>
internal sealed class TarFaultBench : IAsyncDisposable
{
    private readonly TempDirectory _tmp = new("sysupdate-tarfault-");
    private readonly StringBuilder _manifest = new();

    private TarFaultBench(TestHttpServer server)
    {
        Server = server;
        // Temporary directories are 0700; open the way to the root so that "unreachable by other
        // users" is decided by what sysupdate leaves below it, not by the test's temp directory.
        System.IO.File.SetUnixFileMode(_tmp.Path, (UnixFileMode)0x1ED);
        Root = _tmp.Dir("root");
        Definitions = _tmp.Dir("root", "etc", "sysupdate.d");
        SysUpdate = new SysUpdateProcess { Timeout = TimeSpan.FromSeconds(120) }
            .WithEnvironment("SYSTEMD_LOG_LEVEL", "warning")
            .WithEnvironment("SYSUPDATE_CACHE_DIRECTORY", _tmp.Dir("cache"))
            .WithEnvironment("SYSUPDATE_HTTP_READ_TIMEOUT_SEC", "30")
            .WithEnvironment("http_proxy", null)
            .WithEnvironment("HTTP_PROXY", null)
            .WithEnvironment("all_proxy", null)
            .WithEnvironment("ALL_PROXY", null);
    }

    public TestHttpServer Server { get; }

    public SysUpdateProcess SysUpdate { get; }

    public string Root { get; }

    public string Definitions { get; }

    public string Machines => Path.Combine(Root, "var/lib/machines");

    public string SourceUrl => Server.Url("/images/").AbsoluteUri.TrimEnd('/');

    public string Url(string name) => SourceUrl + "/" + name;

    /// <summary>Scratch space outside the root.</summary>
    public string Scratch(string name) => _tmp.Dir(name);

    public string Combine(params string[] parts) => _tmp.Combine(parts);

    public static async Task<TarFaultBench> StartAsync() => new(await TestHttpServer.StartAsync());

    /// <summary>Writes the transfer; returns its path.</summary>
    public string WriteTransfer(string matchPattern = "rootfs-@v.tar", string extraTarget = "CurrentSymlink=current")
    {
        string path = Path.Combine(Definitions, "50-rootfs.transfer");
        System.IO.File.WriteAllText(path, $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-tar
            Path={SourceUrl}
            MatchPattern={matchPattern}

            [Target]
            Type=directory
            Path=/var/lib/machines
            MatchPattern=rootfs-@v
            {extraTarget}

            """);
        return path;
    }

    /// <summary>Publishes <paramref name="bytes"/> as <paramref name="name"/>, listed in SHA256SUMS with
    /// <paramref name="listedSha256"/> (default: their real hash).</summary>
    public void Publish(string name, byte[] bytes, string? listedSha256 = null)
    {
        Server.Serve("/images/" + name, bytes);
        _manifest.Append($"{listedSha256 ?? Sha256(bytes)} *{name}\n");
        Server.Serve("/images/SHA256SUMS", Encoding.UTF8.GetBytes(_manifest.ToString()));
    }

    public Task<ProcessResult> RunAsync(params string[] args) => SysUpdate.RunAsync(["--root=" + Root, .. args]);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A PAX tarball of the entries, as bytes.</summary>
    public static byte[] Tarball(params TarEntry[] entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
                writer.WriteEntry(entry);
        }
        return stream.ToArray();
    }

    public static PaxTarEntry Directory(string name, int mode = 0x1ED) => new(TarEntryType.Directory, name) { Mode = (UnixFileMode)mode };

    public static PaxTarEntry File(string name, string content, int mode = 0x1A4) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)), Mode = (UnixFileMode)mode };

    /// <summary>A small valid root file system: ./, etc/os-release.</summary>
    public static byte[] GoodRootfs(string version) =>
        Tarball(Directory("./"), Directory("./etc"), File("./etc/os-release", $"ID=test\nIMAGE_VERSION={version}\n"));

    /// <summary>Asserts exit 1 and exactly one stderr line, naming <paramref name="fragments"/>, with no stack trace.</summary>
    public static string AssertOneLineError(ProcessResult result, params string[] fragments)
    {
        string line = Http.HttpBench.AssertOneLineError(result, fragments);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.StandardError, StringComparison.Ordinal);
        return line;
    }

    /// <summary>Everything below <paramref name="directory"/>, not following symlinks.</summary>
    public static IEnumerable<FileSystemInfo> Walk(string directory) =>
        System.IO.Directory.Exists(directory)
            ? new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            : [];

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _tmp.Dispose();
    }
}
