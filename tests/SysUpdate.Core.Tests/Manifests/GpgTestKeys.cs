using System.Diagnostics;

namespace SysUpdate.Core.Tests.Manifests;

/// <summary>
/// Real OpenPGP keys made with gpg for the test run: an Ed25519 and an RSA signing key whose public halves form
/// the trusted keyring, and a foreign Ed25519 key that is not in it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GpgTestKeys : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sysupdate-gpgtest-");

    public GpgTestKeys()
    {
        Ed25519Home = NewHome("ed");
        RsaHome = NewHome("rsa");
        ForeignHome = NewHome("foreign");
        GenerateKey(Ed25519Home, "Test <t@example.invalid>", "ed25519");
        GenerateKey(RsaHome, "Test RSA <r@example.invalid>", "rsa2048");
        GenerateKey(ForeignHome, "Foreign <f@example.invalid>", "ed25519");

        Keyring = Path.Join(_directory.FullName, "import-pubring.pgp");
        File.WriteAllBytes(Keyring, [.. Run(Ed25519Home, [], "--export"), .. Run(RsaHome, [], "--export")]);
    }

    public string Ed25519Home { get; }
    public string RsaHome { get; }
    public string ForeignHome { get; }

    /// <summary>Binary keyring (gpg --export) holding the Ed25519 and RSA public keys.</summary>
    public string Keyring { get; }

    public string WorkDirectory => _directory.FullName;

    /// <summary>Detached signature of <paramref name="data"/> made with the key in <paramref name="home"/>.</summary>
    public static byte[] Sign(string home, byte[] data, bool armor)
    {
        string[] arguments = armor
            ? ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--detach-sign", "--armor", "--output", "-"]
            : ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--detach-sign", "--output", "-"];
        return Run(home, data, arguments);
    }

    private string NewHome(string name)
    {
        string home = Path.Join(_directory.FullName, name);
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return home;
    }

    private static void GenerateKey(string home, string userId, string algorithm) =>
        Run(home, [], "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", userId, algorithm, "sign", "never");

    public static byte[] Run(string home, byte[] stdin, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("gpg")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("--homedir");
        startInfo.ArgumentList.Add(home);
        foreach (string argument in arguments)
            startInfo.ArgumentList.Add(argument);

        using Process process = Process.Start(startInfo)!;
        var output = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        Task<string> errors = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(stdin);
        process.StandardInput.Close();
        copy.GetAwaiter().GetResult();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"gpg {string.Join(' ', arguments)} failed: {errors.GetAwaiter().GetResult()}");
        return output.ToArray();
    }

    public void Dispose()
    {
        foreach (string home in new[] { Ed25519Home, RsaHome, ForeignHome })
        {
            using Process? kill = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", home, "--kill", "all"]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        _directory.Delete(recursive: true);
    }
}
