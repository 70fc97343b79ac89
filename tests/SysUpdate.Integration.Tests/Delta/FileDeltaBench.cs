using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Delta;

/// <summary>
/// One file-target delta test's world: a <see cref="DeltaRelease"/> made with casync, served by nginx on
/// 127.0.0.1 or read over <c>file://</c>, a <c>--root</c> with one <c>url-file</c> transfer into
/// <c>/var/lib/images</c>, and the published <c>sysupdate</c> with info logging (the delta's one-line
/// notes are info) and short transport timeouts.
/// </summary>
internal sealed class FileDeltaBench : IAsyncDisposable
{
    public const string TargetDirectory = "/var/lib/images";

    private readonly TempDirectory _tmp;

    private FileDeltaBench(TempDirectory tmp, DeltaRelease release, NginxServer? server)
    {
        _tmp = tmp;
        Release = release;
        Server = server;
        Root = tmp.Dir("root");
        Definitions = tmp.Dir("root", "etc", "sysupdate.d");
        tmp.Dir("root", TargetDirectory.TrimStart('/'));
        SysUpdate = new SysUpdateProcess { Timeout = TimeSpan.FromSeconds(120) }
            .WithEnvironment("SYSTEMD_LOG_LEVEL", "info")
            .WithEnvironment("SYSTEMD_OPENPGP_KEYRING", release.Keyring)
            .WithEnvironment("SYSTEMD_SYSUPDATE_VERIFY_FRESHNESS", null)
            .ForLoopbackHttp(tmp.Dir("cache"), readTimeoutSeconds: 10);
    }

    public DeltaRelease Release { get; }

    /// <summary>nginx serving <see cref="DeltaRelease.Directory"/>, or null when the source is <c>file://</c>.</summary>
    public NginxServer? Server { get; }

    public string Root { get; }

    public string Definitions { get; }

    public SysUpdateProcess SysUpdate { get; }

    /// <summary>The source's <c>Path=</c>.</summary>
    public string SourceUrl => Server?.BaseUrl ?? "file://" + Release.Directory;

    /// <summary>The URL sysupdate names the version's published image by.</summary>
    public string ImageUrl(int version, bool zstd = false) => SourceUrl + "/" + Release.ImageName(version, zstd);

    /// <summary>The target directory as seen from outside the root.</summary>
    public string Images => Path.Combine(Root, TargetDirectory.TrimStart('/'));

    /// <summary>Where version <paramref name="version"/> is installed (always uncompressed, <c>usr_N.raw</c>).</summary>
    public string Installed(int version) => Path.Combine(Images, $"{Release.Options.Name}_{version}.raw");

    public string Combine(params string[] parts) => _tmp.Combine(parts);

    /// <summary>Builds the release and, unless <paramref name="overHttp"/> is false, starts nginx on it.</summary>
    public static async Task<FileDeltaBench> StartAsync(DeltaReleaseOptions options, bool overHttp = true, NginxOptions? nginx = null)
    {
        var tmp = new TempDirectory("sysupdate-filedelta-");
        try
        {
            var release = await DeltaRelease.BuildAsync(tmp.Path, options);
            var server = overHttp ? await NginxServer.StartAsync(release.Directory, nginx) : null;
            return new FileDeltaBench(tmp, release, server);
        }
        catch
        {
            tmp.Dispose();
            throw;
        }
    }

    /// <summary>Writes <c>10-usr.transfer</c>: the release's images into <see cref="TargetDirectory"/>.</summary>
    /// <param name="zstd">Match the published <c>usr_@v.raw.zst</c> instead of <c>usr_@v.raw</c>.</param>
    /// <param name="sourceLines">Extra lines for [Source] (<c>DeltaMaxFetch=</c>, <c>ChunkStore=</c>).</param>
    public void WriteTransfer(bool zstd = false, string sourceLines = "")
    {
        string name = Release.Options.Name;
        File.WriteAllText(Path.Combine(Definitions, "10-usr.transfer"), $"""
            [Transfer]
            Verify={(Release.Keyring is null ? "no" : "yes")}

            [Source]
            Type=url-file
            Path={SourceUrl}
            MatchPattern={name}_@v.raw{(zstd ? ".zst" : "")}
            {sourceLines}

            [Target]
            Type=regular-file
            Path={TargetDirectory}
            MatchPattern={name}_@v.raw
            """);
    }

    public Task<ProcessResult> RunAsync(params string[] args) => SysUpdate.RunAsync(["--root=" + Root, .. args]);

    /// <summary>Installs v1 (a whole download: nothing to seed from yet) and checks it.</summary>
    public async Task InstallV1Async()
    {
        (await RunAsync("update", "1")).ShouldExit(0);
        Assert.Equal(Release.Sha256(1), Sha256(Installed(1)));
    }

    /// <summary>The requests nginx logged so far (requires <see cref="Server"/>).</summary>
    public Task<IReadOnlyList<NginxRequest>> RequestsAsync() =>
        (Server ?? throw new InvalidOperationException("this bench reads its release over file://")).RequestsAsync();

    /// <summary>The requests logged after the first <paramref name="skip"/>.</summary>
    public async Task<List<NginxRequest>> RequestsAfterAsync(int skip) => (await RequestsAsync()).Skip(skip).ToList();

    /// <summary>The stderr lines that contain <paramref name="text"/>.</summary>
    public static List<string> LinesWith(ProcessResult run, string text) =>
        run.ErrorLines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();

    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
        _tmp.Dispose();
    }
}
