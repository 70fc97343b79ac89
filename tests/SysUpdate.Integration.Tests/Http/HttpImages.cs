using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// Versions v1 and v2 built once per test run by <c>testimages/build.sh</c> (raw and compressed usr
/// images, UKIs, rootfs tarballs, a signed SHA256SUMS), plus an ASCII-armored signature by the same
/// key as <c>SHA256SUMS.asc</c>. Shared by the <see cref="HttpCollection"/> tests; read-only.
/// </summary>
public sealed class HttpImages : IAsyncLifetime
{
    private readonly TempDirectory _tmp = new("sysupdate-http-");

    public string Directory => _tmp.Combine("images");

    /// <summary>The public key of the signing key (use as <c>SYSTEMD_OPENPGP_KEYRING</c>).</summary>
    public string Keyring => Path("import-pubring.pgp");

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    public byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    public string Sha256(string name) => Convert.ToHexStringLower(SHA256.HashData(Bytes(name)));

    /// <summary>A manifest line as sha256sum writes it in binary mode.</summary>
    public string ManifestLine(string name) => $"{Sha256(name)} *{name}\n";

    public async Task InitializeAsync()
    {
        string script = System.IO.Path.Combine(ExternalTool.RepositoryRoot(), "testimages", "build.sh");
        await ExternalTool.RunAsync("bash", [script, Directory, "v1", "v2"]);
        string home = Path(".gnupg");
        try
        {
            await ExternalTool.RunAsync("gpg", ["--homedir", home, "--batch", "--quiet", "--yes", "--armor", "--detach-sign",
                "--output", Path("SHA256SUMS.asc"), Path("SHA256SUMS")]);
        }
        finally
        {
            await ExternalTool.KillGpgAgentAsync(home);
        }
    }

    public Task DisposeAsync()
    {
        _tmp.Dispose();
        return Task.CompletedTask;
    }
}
