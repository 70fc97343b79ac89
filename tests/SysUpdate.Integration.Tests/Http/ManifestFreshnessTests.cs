using System.Security.Cryptography;
using System.Text;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// A vendor publishes a new <c>SHA256SUMS</c> (or re-signs it) in a way a conditional GET cannot see:
/// within the second its Last-Modified names, or with the same size under nginx's mtime-size ETag.
/// Each run of <c>check-new</c> must still see what is published now. Real servers: Python's
/// http.server and nginx on 127.0.0.1.
/// </summary>
public sealed class ManifestFreshnessTests : IAsyncLifetime
{
    private readonly TempDirectory _tmp = new("sysupdate-fresh-");
    private readonly SysUpdateProcess _sysupdate = new();
    private readonly byte[] _v1 = RandomNumberGenerator.GetBytes(4096);
    private readonly byte[] _v2 = RandomNumberGenerator.GetBytes(4096);
    private readonly string _home;
    private IAsyncDisposable? _server;
    private string? _baseUrl;
    private long? _signatureSize;

    public ManifestFreshnessTests()
    {
        _home = _tmp.Dir("gnupg");
        File.WriteAllBytes(Path.Combine(Www, "uki-v1.efi"), _v1);
        File.WriteAllBytes(Path.Combine(Www, "uki-v2.efi"), _v2);
        _tmp.Dir("root", "var", "lib", "uki");
        _sysupdate.WithEnvironment("SYSUPDATE_CACHE_DIRECTORY", _tmp.Dir("cache"))
            .WithEnvironment("SYSTEMD_OPENPGP_KEYRING", Keyring);
    }

    private string Www => _tmp.Dir("www");

    private string Keyring => _tmp.Combine("trusted.pgp");

    /// <summary>A time in the same second as "now" could be; in the future so that the run that
    /// fetches first is certainly within that second (a slow machine would otherwise make the
    /// validator old enough to be trusted and the scenario impossible).</summary>
    private static DateTime SameSecond() => WholeSecond(DateTime.UtcNow.AddSeconds(10));

    /// <summary>An hour ago, whole second: a validator old enough to be trusted.</summary>
    private static DateTime LongAgo() => WholeSecond(DateTime.UtcNow.AddHours(-1));

    private static DateTime WholeSecond(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        await ExternalTool.KillGpgAgentAsync(_home);
        _tmp.Dispose();
    }

    [ExecutableFact(StaticFileServer.Python)]
    public async Task CheckNew_PythonHttpServer_ManifestReplacedWithinTheSameSecond_SeesNewVersion()
    {
        var server = await StaticFileServer.StartPythonAsync(Www);
        (_server, _baseUrl) = (server, server.BaseUrl);
        WriteTransfer(verify: false);
        DateTime second = SameSecond();

        PublishManifest(second, "uki-v1.efi");
        Assert.Equal("v1", await CheckNewAsync());
        PublishManifest(second, "uki-v1.efi", "uki-v2.efi");

        Assert.Equal("v2", await CheckNewAsync());
        Assert.Equal("v2", await CheckNewAsync());
    }

    [ExecutableFact(NginxServer.Executable)]
    public async Task CheckNew_Nginx_SameSizeManifestWithinTheSameSecond_SeesNewVersion()
    {
        await StartNginxAsync();
        WriteTransfer(verify: false);
        DateTime second = SameSecond();

        PublishManifest(second, "uki-v1.efi");
        Assert.Equal("v1", await CheckNewAsync());
        PublishManifest(second, "uki-v2.efi"); // one line, the same length: nginx's ETag does not change

        Assert.Equal("v2", await CheckNewAsync());
    }

    [ExecutableFact(NginxServer.Executable, "/usr/bin/gpg")]
    public async Task CheckNew_Nginx_NewManifestWhileSignatureLooksUnchanged_VerifiesThePairAsPublished()
    {
        await StartNginxAsync();
        await CreateKeyAsync("trusted", export: true);
        WriteTransfer(verify: true);
        DateTime old = LongAgo();

        PublishManifest(old, "uki-v1.efi");
        await SignAsync("trusted", old);
        Assert.Equal("v1", await CheckNewAsync());
        // The new manifest differs in size (nginx answers 200); the new signature has the old one's size
        // and time, so nginx answers 304 for it: the cached signature is the old release's.
        PublishManifest(old, "uki-v1.efi", "uki-v2.efi");
        await SignAsync("trusted", old);

        Assert.Equal("v2", await CheckNewAsync());
    }

    [ExecutableFact(NginxServer.Executable, "/usr/bin/gpg")]
    public async Task CheckNew_Nginx_OnlyTheSignatureReplaced_UsesTheNewSignature()
    {
        await StartNginxAsync();
        await CreateKeyAsync("trusted", export: true);
        await CreateKeyAsync("unknown", export: false);
        WriteTransfer(verify: true);
        DateTime old = LongAgo();

        PublishManifest(old, "uki-v1.efi");
        await SignAsync("unknown", old);
        var refused = await _sysupdate.RunAsync("--root=" + _tmp.Combine("root"), "check-new");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("SHA256SUMS", refused.StandardError, StringComparison.Ordinal);
        // Re-signed by the vendor's key: same manifest, a signature of the same size and time.
        await SignAsync("trusted", old);

        Assert.Equal("v1", await CheckNewAsync());
    }

    private async Task StartNginxAsync()
    {
        var server = await NginxServer.StartAsync(Www);
        (_server, _baseUrl) = (server, server.BaseUrl);
    }

    private void WriteTransfer(bool verify)
    {
        string definitions = _tmp.Dir("root", "etc", "sysupdate.d");
        File.WriteAllText(Path.Combine(definitions, "10-uki.transfer"), $"""
            [Transfer]
            Verify={(verify ? "yes" : "no")}

            [Source]
            Type=url-file
            Path={_baseUrl}
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path=/var/lib/uki
            MatchPattern=uki_@v.efi
            """);
    }

    private void PublishManifest(DateTime mtime, params string[] names)
    {
        var text = new StringBuilder();
        foreach (var name in names)
            text.Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Www, name))))).Append(" *").Append(name).Append('\n');
        string path = Path.Combine(Www, "SHA256SUMS");
        File.WriteAllText(path, text.ToString());
        File.SetLastWriteTimeUtc(path, mtime);
    }

    private async Task CreateKeyAsync(string name, bool export)
    {
        await ExternalTool.RunAsync("gpg", ["--homedir", _home, "--batch", "--quiet", "--passphrase", "", "--quick-gen-key",
            $"{name} <{name}@example.org>", "ed25519", "sign", "never"]);
        if (export)
            await ExternalTool.RunAsync("gpg", ["--homedir", _home, "--batch", "--quiet", "--yes", "--output", Keyring, "--export", $"{name}@example.org"]);
    }

    /// <summary>
    /// Signs SHA256SUMS as SHA256SUMS.gpg with the given mtime, always at the same size, so nginx's
    /// mtime-size ETag cannot tell one signature from the next. An Ed25519 signature is a byte shorter
    /// when one of its two numbers starts with a zero byte (about 1 in 128): the full size is the
    /// largest of a few trial signatures, and a shorter one is signed again.
    /// </summary>
    private async Task SignAsync(string key, DateTime mtime)
    {
        string signature = Path.Combine(Www, "SHA256SUMS.gpg");
        _signatureSize ??= await FullSignatureSizeAsync(key, signature);
        for (int attempt = 0; attempt < 50; attempt++)
        {
            await DetachSignAsync(key, signature);
            if (new FileInfo(signature).Length == _signatureSize)
            {
                File.SetLastWriteTimeUtc(signature, mtime);
                return;
            }
        }
        throw new InvalidOperationException($"no signature of {_signatureSize} bytes in 50 attempts");
    }

    private async Task<long> FullSignatureSizeAsync(string key, string signature)
    {
        long size = 0;
        for (int trial = 0; trial < 4; trial++)
        {
            await DetachSignAsync(key, signature);
            size = Math.Max(size, new FileInfo(signature).Length);
        }
        return size;
    }

    private Task DetachSignAsync(string key, string signature) =>
        ExternalTool.RunAsync("gpg", ["--homedir", _home, "--batch", "--quiet", "--yes", "--local-user", $"{key}@example.org",
            "--output", signature, "--detach-sign", Path.Combine(Www, "SHA256SUMS")]);

    private async Task<string> CheckNewAsync()
    {
        var result = (await _sysupdate.RunAsync("--root=" + _tmp.Combine("root"), "check-new")).ShouldExit(0);
        return result.StandardOutput.Trim();
    }
}
