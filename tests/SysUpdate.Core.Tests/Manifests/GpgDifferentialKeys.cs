using System.Diagnostics;
using System.Text;

namespace SysUpdate.Core.Tests.Manifests;

/// <summary>
/// Real gpg keys for comparing our OpenPGP verification with gpg's: Ed25519, RSA, a certify-only primary with a
/// signing subkey, a key made in 2019 (for expired signatures), a key that expired in 2019, a revoked key, and a
/// foreign key. Signatures that gpg can no longer make later (by the expired and the revoked key) are made here,
/// over <see cref="Manifest"/>. Nothing is generated when gpg is missing: the tests using it skip.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GpgDifferentialKeys : IDisposable
{
    private const string LongAgo = "20190101T000000";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sysupdate-gpgdiff-");
    private readonly List<string> _homes = [];

    public static readonly byte[] Manifest = Encoding.UTF8.GetBytes(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef *usr_1.raw.xz\n" +
        "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210 *usr_2.raw.xz\n");

    public GpgDifferentialKeys()
    {
        if (!GpgFactAttribute.Available)
            return;
        Ed25519Home = Generate("ed", "Ed <ed@example.invalid>", "ed25519", "sign", "never");
        RsaHome = Generate("rsa", "Rsa <rsa@example.invalid>", "rsa2048", "sign", "never");
        ForeignHome = Generate("foreign", "Foreign <foreign@example.invalid>", "ed25519", "sign", "never");
        SubkeyHome = Generate("subkey", "Sub <sub@example.invalid>", "ed25519", "cert", "never");
        SubkeyPrimaryOnlyKeyring = Export(SubkeyHome, "subkey-primary.gpg");
        GpgTestKeys.Run(SubkeyHome, [], [.. Batch, "--quick-add-key", Fingerprint(SubkeyHome), "ed25519", "sign", "1y"]);
        SubkeyFullKeyring = Export(SubkeyHome, "subkey-full.gpg");
        OldHome = Generate("old", "Old <old@example.invalid>", "ed25519", "sign", "never", LongAgo);

        string expired = Generate("expired", "Expired <expired@example.invalid>", "ed25519", "sign", "1d", LongAgo);
        ExpiredKeySignature = GpgTestKeys.Run(expired, Manifest, [.. Batch, "--faked-system-time", "20190101T010000", "--detach-sign", "--output", "-"]);
        ExpiredKeyring = Export(expired, "expired.gpg");

        string revoked = Generate("revoked", "Revoked <revoked@example.invalid>", "ed25519", "sign", "never");
        RevokedKeySignature = GpgTestKeys.Run(revoked, Manifest, [.. Batch, "--detach-sign", "--output", "-"]);
        string certificate = File.ReadAllText(Path.Join(revoked, "openpgp-revocs.d", Fingerprint(revoked) + ".rev"));
        GpgTestKeys.Run(revoked, Encoding.ASCII.GetBytes(certificate.Replace(":-----BEGIN", "-----BEGIN", StringComparison.Ordinal)), "--batch", "--import");
        RevokedKeyring = Export(revoked, "revoked.gpg");

        Ed25519Keyring = Export(Ed25519Home, "ed.gpg");
        RsaKeyring = Export(RsaHome, "rsa.gpg");
        OldKeyring = Export(OldHome, "old.gpg");
        TrustedKeyring = Path.Join(_directory.FullName, "trusted.gpg");
        File.WriteAllBytes(TrustedKeyring, [.. File.ReadAllBytes(Ed25519Keyring), .. File.ReadAllBytes(RsaKeyring)]);
    }

    public static readonly string[] Batch = ["--batch", "--pinentry-mode", "loopback", "--passphrase", ""];

    public string Ed25519Home { get; } = "";
    public string RsaHome { get; } = "";
    public string ForeignHome { get; } = "";
    /// <summary>Certify-only primary key that signs with its subkey.</summary>
    public string SubkeyHome { get; } = "";
    /// <summary>Key created in 2019, for signatures made then that have expired since.</summary>
    public string OldHome { get; } = "";

    public string Ed25519Keyring { get; } = "";
    public string RsaKeyring { get; } = "";
    /// <summary>Ed25519 and RSA public keys together.</summary>
    public string TrustedKeyring { get; } = "";
    public string SubkeyPrimaryOnlyKeyring { get; } = "";
    public string SubkeyFullKeyring { get; } = "";
    public string OldKeyring { get; } = "";
    public string ExpiredKeyring { get; } = "";
    public string RevokedKeyring { get; } = "";

    /// <summary>Signature over <see cref="Manifest"/> made while the key (expired since 2019-01-02) was valid.</summary>
    public byte[] ExpiredKeySignature { get; } = [];
    /// <summary>Signature over <see cref="Manifest"/> made before the key was revoked.</summary>
    public byte[] RevokedKeySignature { get; } = [];

    public string WorkDirectory => _directory.FullName;

    /// <summary>A detached signature made by gpg with the key of <paramref name="home"/> and any extra options.</summary>
    public static byte[] Sign(string home, byte[] data, params string[] options) =>
        GpgTestKeys.Run(home, data, [.. Batch, .. options, "--detach-sign", "--output", "-"]);

    private string Generate(string name, string userId, string algorithm, string usage, string expiry, string? fakedTime = null)
    {
        string home = Path.Join(_directory.FullName, name);
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _homes.Add(home);
        string[] time = fakedTime is null ? [] : ["--faked-system-time", fakedTime];
        GpgTestKeys.Run(home, [], [.. Batch, .. time, "--quick-gen-key", userId, algorithm, usage, expiry]);
        return home;
    }

    private static string Fingerprint(string home) =>
        Encoding.UTF8.GetString(GpgTestKeys.Run(home, [], "--list-keys", "--with-colons"))
            .Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];

    private string Export(string home, string name)
    {
        string path = Path.Join(_directory.FullName, name);
        File.WriteAllBytes(path, GpgTestKeys.Run(home, [], "--export"));
        return path;
    }

    public void Dispose()
    {
        foreach (string home in _homes)
        {
            using Process? kill = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", home, "--kill", "all"]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        _directory.Delete(recursive: true);
    }
}
