using System.Diagnostics;

namespace SysUpdate.Core.Tests.Manifests.Trust;

/// <summary>
/// Real OpenSSH keys and signatures for tests, made by <c>ssh-keygen</c> in a private directory: key pairs of a
/// type, <c>-Y sign</c> signatures, <c>allowed_signers</c> lines and <c>ssh-keygen -l</c> fingerprints.
/// Shared (linked) with the integration tests.
/// </summary>
public sealed class SshKeygen(string directory)
{
    public const string Program = "/usr/bin/ssh-keygen";

    /// <summary>Makes a key pair without passphrase; returns the private key's path (the public key is beside it, .pub).</summary>
    public string CreateKey(string name, string type = "ed25519", int? bits = null)
    {
        string path = Path.Combine(directory, name);
        Run(["-q", "-t", type, .. bits is { } b ? (string[])["-b", b.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [],
            "-N", "", "-C", name + "@vendor.invalid", "-f", path]);
        return path;
    }

    /// <summary>The key type and base64 key, as the .pub file starts.</summary>
    public static string PublicKey(string key)
    {
        string[] fields = File.ReadAllText(key + ".pub").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields[0] + " " + fields[1];
    }

    /// <summary>An allowed_signers line for the key, with optional options.</summary>
    public static string AllowedSignersLine(string key, string? options = null, string principals = "release@vendor.invalid") =>
        options is null ? $"{principals} {PublicKey(key)}" : $"{principals} {options} {PublicKey(key)}";

    /// <summary><c>ssh-keygen -Y sign -n NAMESPACE</c> over <paramref name="data"/>; returns the armored signature.</summary>
    public byte[] Sign(string key, ReadOnlySpan<byte> data, string @namespace = "sysupdate", string? hashAlgorithm = null)
    {
        string message = Path.Combine(directory, $"message-{Guid.NewGuid():N}");
        File.WriteAllBytes(message, data.ToArray());
        Run(["-Y", "sign", "-f", key, "-n", @namespace, .. hashAlgorithm is null ? (string[])[] : ["-O", "hashalg=" + hashAlgorithm], message]);
        byte[] signature = File.ReadAllBytes(message + ".sig");
        File.Delete(message);
        File.Delete(message + ".sig");
        return signature;
    }

    /// <summary>The fingerprint as <c>ssh-keygen -l</c> prints it (<c>SHA256:…</c>).</summary>
    public string Fingerprint(string key) => Run(["-l", "-E", "sha256", "-f", key + ".pub"]).Split(' ')[1];

    /// <summary><c>ssh-keygen -Y verify</c>: whether OpenSSH itself accepts the signature for this allowed_signers file.</summary>
    public bool OpenSshVerifies(string allowedSigners, byte[] signature, ReadOnlySpan<byte> data, string principal = "release@vendor.invalid")
    {
        string sig = Path.Combine(directory, $"check-{Guid.NewGuid():N}.sig");
        File.WriteAllBytes(sig, signature);
        var start = new ProcessStartInfo(Program, ["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", "sysupdate", "-s", sig])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(data);
        process.StandardInput.Close();
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        File.Delete(sig);
        return process.ExitCode == 0;
    }

    private static string Run(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ssh-keygen {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {stderr.Result}");
        return stdout;
    }
}
