using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Tests.Transport;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// One HTTP test's world: a Kestrel server on 127.0.0.1 publishing files of <see cref="HttpImages"/>
/// below <c>/images/</c>, a root directory for <c>--root</c> with the definitions in its <c>/etc/sysupdate.d</c>, a private
/// conditional-GET cache, and the built CLI with short transport timeouts.
/// </summary>
internal sealed partial class HttpBench : IAsyncDisposable
{
    public const string ImagesPath = "/images/";

    private readonly TempDirectory _tmp;

    private HttpBench(HttpImages images, TestHttpServer server, TempDirectory tmp)
    {
        Images = images;
        Server = server;
        _tmp = tmp;
        Root = tmp.Dir("root");
        Definitions = tmp.Dir("root", "etc", "sysupdate.d");
        SysUpdate = new SysUpdateProcess { Timeout = TimeSpan.FromSeconds(30) }
            // Warnings and errors only: a failed run's stderr is then just its one-line error.
            .WithEnvironment("SYSTEMD_LOG_LEVEL", "warning")
            .WithEnvironment("SYSTEMD_OPENPGP_KEYRING", images.Keyring)
            .WithEnvironment("SYSTEMD_SYSUPDATE_VERIFY_FRESHNESS", null)
            .ForLoopbackHttp(tmp.Dir("cache"));
    }

    public HttpImages Images { get; }

    public TestHttpServer Server { get; }

    public SysUpdateProcess SysUpdate { get; }

    /// <summary>The <c>--root</c> directory.</summary>
    public string Root { get; }

    public string Definitions { get; }

    /// <summary>The URL sources' <c>Path=</c> (no trailing slash).</summary>
    public string SourceUrl => Server.Url(ImagesPath).AbsoluteUri.TrimEnd('/');

    public string ManifestUrl => SourceUrl + "/SHA256SUMS";

    public static async Task<HttpBench> StartAsync(HttpImages images)
    {
        var tmp = new TempDirectory("sysupdate-http-");
        try
        {
            return new HttpBench(images, await TestHttpServer.StartAsync(), tmp);
        }
        catch
        {
            tmp.Dispose();
            throw;
        }
    }

    /// <summary>A path below the root (<paramref name="absolute"/> as written in a definition).</summary>
    public string InRoot(string absolute) => Path.Combine(Root, absolute.TrimStart('/'));

    public string Combine(params string[] parts) => _tmp.Combine(parts);

    /// <summary>Creates <c>/disk.img</c> below the root: an 8 MiB GPT image with two empty 2 MiB usr slots.</summary>
    /// <returns>The image's path and the usr partition type of this architecture.</returns>
    public (string Disk, Guid UsrType) CreateUsrDisk()
    {
        Assert.True(GptPartitionTypes.TryResolve("usr", out Guid usrType));
        string disk = InRoot("/disk.img");
        const long slot = 2 * 1024 * 1024;
        GptImageBuilder.Create(disk, 8 * 1024 * 1024,
            [new GptPartitionSpec(usrType, "_empty", slot), new GptPartitionSpec(usrType, "_empty", slot)]);
        return (disk, usrType);
    }

    public void WriteTransfer(string fileName, string text) => File.WriteAllText(Path.Combine(Definitions, fileName), text);

    /// <summary>Serves a file of the image set as <c>/images/NAME</c>.</summary>
    public ServedFile Publish(string name) => Server.Serve(ImagesPath + name, Images.Bytes(name));

    public ServedFile Serve(string name, byte[] content) => Server.Serve(ImagesPath + name, content);

    /// <summary>Publishes the named images and an (unsigned) SHA256SUMS listing them, plus <paramref name="extraLines"/>.</summary>
    public ServedFile PublishWithManifest(IEnumerable<string> names, string extraLines = "")
    {
        var manifest = new StringBuilder();
        foreach (var name in names)
        {
            Publish(name);
            manifest.Append(Images.ManifestLine(name));
        }
        manifest.Append(extraLines);
        return ServeManifest(manifest.ToString());
    }

    public ServedFile ServeManifest(string text) => Serve("SHA256SUMS", Encoding.UTF8.GetBytes(text));

    /// <summary>Publishes everything build.sh made with its SHA256SUMS, and SHA256SUMS.gpg unless told not to.</summary>
    public void PublishSignedRelease(bool withSignature = true)
    {
        foreach (var file in Directory.EnumerateFiles(Images.Directory))
        {
            string name = Path.GetFileName(file);
            if (name is not ("SHA256SUMS.asc" or "import-pubring.pgp") && (withSignature || name != "SHA256SUMS.gpg"))
                Publish(name);
        }
    }

    /// <summary>Runs the CLI with <c>--root</c> set (definitions are found in its /etc/sysupdate.d).</summary>
    public Task<ProcessResult> RunAsync(params string[] args) => SysUpdate.RunAsync(["--root=" + Root, .. args]);

    /// <summary>
    /// Asserts exit 1 with exactly one stderr line besides the plain progress lines ("10-usr: 40% (…/s)",
    /// written to a non-terminal whatever the log level), containing each of <paramref name="fragments"/>; returns it.
    /// </summary>
    public static string AssertOneLineError(ProcessResult result, params string[] fragments)
    {
        result.ShouldExit(1);
        var lines = result.ErrorLines.Where(l => !ProgressLine().IsMatch(l)).ToList();
        if (lines.Count != 1)
            Assert.Fail($"expected exactly one stderr line\n{result}");
        string line = lines[0];
        foreach (var fragment in fragments)
        {
            if (!line.Contains(fragment, StringComparison.Ordinal))
                Assert.Fail($"expected the error to contain '{fragment}'\n{result}");
        }
        return line;
    }

    // "10-usr: 40% (1.6M, 1.0 MiB/s, 0:03 left)"; the rate and time left appear once measured, the
    // percentage only when the size is known.
    [GeneratedRegex(@"^\S+: ([0-9]{1,3}% )?\(\S+(, [0-9.]+ [KMG]?i?B/s)?(, [0-9:]+ left)?\)$")]
    private static partial Regex ProgressLine();

    /// <summary>Requests for anything but the manifest and its signatures.</summary>
    public IReadOnlyList<RequestRecord> PayloadRequests() =>
        Server.AllRequests().Where(r => Path.GetFileName(r.Path) is not ("SHA256SUMS" or "SHA256SUMS.gpg" or "SHA256SUMS.asc")).ToList();

    public IReadOnlyList<RequestRecord> Requests(string name) => Server.Requests(ImagesPath + name);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>SHA-256 of the first <paramref name="length"/> bytes of a file at <paramref name="offset"/>.</summary>
    public static string Sha256(string path, long offset, int length)
    {
        var buffer = new byte[length];
        using var handle = File.OpenHandle(path);
        int read = RandomAccess.Read(handle, buffer, offset);
        Assert.Equal(length, read);
        return Sha256(buffer);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _tmp.Dispose();
    }
}
