using System.Diagnostics;
using System.Text;

namespace SysUpdate.Core.Tests.Manifests;

/// <summary>
/// Real gpg keys for the keyring-overlay and embedded-subkey tests, made the way TEST-72 of systemd 262.1 makes them:
/// a trusted key whose keyring was exported before it grew a signing subkey (so the keyring only knows the subkey
/// through the key block a signature carries), a vendor and a user key for the default keyring paths, and a foreign
/// key with its own signing subkey.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GpgSubkeyTestKeys : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sysupdate-gpgsub-");

    public GpgSubkeyTestKeys()
    {
        TrustedHome = NewHome("trusted");
        VendorHome = NewHome("vendor");
        UserHome = NewHome("user");
        ForeignHome = NewHome("foreign");

        string trusted = GenerateKey(TrustedHome, "Trusted <trusted@example.invalid>", "cert");
        TrustedKeyringWithoutSubkey = Export(TrustedHome, "trusted-primary.gpg");
        AddSigningSubkey(TrustedHome, trusted);
        TrustedKeyringWithSubkey = Export(TrustedHome, "trusted-full.gpg");

        GenerateKey(VendorHome, "Vendor <vendor@example.invalid>", "sign");
        VendorKeyring = Export(VendorHome, "vendor.gpg");
        GenerateKey(UserHome, "User <user@example.invalid>", "sign");
        UserKeyring = Export(UserHome, "user.gpg");

        string foreign = GenerateKey(ForeignHome, "Foreign <foreign@example.invalid>", "cert");
        AddSigningSubkey(ForeignHome, foreign);
        ForeignKeyring = Export(ForeignHome, "foreign.gpg");
    }

    /// <summary>Signs only with its subkey (the primary key may only certify).</summary>
    public string TrustedHome { get; }
    public string VendorHome { get; }
    public string UserHome { get; }
    public string ForeignHome { get; }

    /// <summary>The trusted primary key alone, exported before the subkey existed.</summary>
    public string TrustedKeyringWithoutSubkey { get; }
    public string TrustedKeyringWithSubkey { get; }
    public string VendorKeyring { get; }
    public string UserKeyring { get; }
    public string ForeignKeyring { get; }

    public string WorkDirectory => _directory.FullName;

    public static byte[] Sign(string home, byte[] data, bool includeKeyBlock, bool armor = false)
    {
        var arguments = new List<string> { "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--detach-sign", "--output", "-" };
        if (includeKeyBlock)
            arguments.Add("--include-key-block");
        if (armor)
            arguments.Add("--armor");
        return GpgTestKeys.Run(home, data, [.. arguments]);
    }

    private string NewHome(string name)
    {
        string home = Path.Join(_directory.FullName, name);
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return home;
    }

    /// <summary>Makes an Ed25519 primary key with the given usage and returns its fingerprint.</summary>
    private static string GenerateKey(string home, string userId, string usage)
    {
        GpgTestKeys.Run(home, [], "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", userId, "ed25519", usage, "never");
        string colons = Encoding.UTF8.GetString(GpgTestKeys.Run(home, [], "--list-keys", "--with-colons"));
        return colons.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    private static void AddSigningSubkey(string home, string fingerprint) =>
        GpgTestKeys.Run(home, [], "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", fingerprint, "ed25519", "sign", "1y");

    private string Export(string home, string name)
    {
        string path = Path.Join(_directory.FullName, name);
        File.WriteAllBytes(path, GpgTestKeys.Run(home, [], "--export"));
        return path;
    }

    public void Dispose()
    {
        foreach (string home in new[] { TrustedHome, VendorHome, UserHome, ForeignHome })
        {
            using Process? kill = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", home, "--kill", "all"]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        _directory.Delete(recursive: true);
    }
}
