using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SysUpdate.Core.Manifests;

/// <summary>
/// Checks the detached OpenPGP signature of a manifest with gpg, invoked as systemd-pull does (spec §5.3 step 1):
/// a fresh temporary homedir, <c>--trust-model=always</c> and one keyring, the manifest on stdin.
/// </summary>
internal sealed partial class SignatureVerifier
{
    /// <summary>Environment variable that names the keyring to use instead of the default chain.</summary>
    public const string KeyringEnvironmentVariable = "SYSTEMD_OPENPGP_KEYRING";

    /// <summary>Default keyrings, first existing wins: local, legacy local, vendor (paths below the root directory).</summary>
    public static readonly IReadOnlyList<string> DefaultKeyrings =
    [
        "/etc/systemd/import-pubring.pgp",
        "/etc/systemd/import-pubring.gpg",
        "/usr/lib/systemd/import-pubring.pgp",
    ];

    private static readonly IReadOnlyList<string> DefaultGpgCommands = ["gpg2", "gpg"];

    private readonly string? _root;
    private readonly string? _keyringOverride;
    private readonly IReadOnlyList<string> _gpgCommands;
    private readonly ILogger? _logger;

    /// <param name="root">Root directory prefix (<c>--root</c>) for the default keyring chain; null or "/" for the host.</param>
    /// <param name="keyring">
    /// Keyring file to use instead of the default chain (not prefixed with <paramref name="root"/>); pass the value of
    /// <see cref="KeyringEnvironmentVariable"/> here, as <see cref="FromEnvironment"/> does.
    /// </param>
    /// <param name="gpgCommands">gpg executables to try in order; default gpg2, then gpg.</param>
    public SignatureVerifier(string? root = null, string? keyring = null, IReadOnlyList<string>? gpgCommands = null, ILogger<SignatureVerifier>? logger = null)
    {
        _root = string.IsNullOrEmpty(root) || root == "/" ? null : root;
        _keyringOverride = string.IsNullOrEmpty(keyring) ? null : keyring;
        _gpgCommands = gpgCommands ?? DefaultGpgCommands;
        _logger = logger;
    }

    /// <summary>A verifier that honours <see cref="KeyringEnvironmentVariable"/> of this process.</summary>
    public static SignatureVerifier FromEnvironment(string? root, ILogger<SignatureVerifier>? logger = null) =>
        new(root, Environment.GetEnvironmentVariable(KeyringEnvironmentVariable), gpgCommands: null, logger);

    /// <summary>
    /// The keyring that would be used: the explicit keyring if given (whether or not it exists), else the first
    /// existing file of <see cref="DefaultKeyrings"/> below the root, else null.
    /// </summary>
    public string? ResolveKeyring()
    {
        if (_keyringOverride is not null)
            return _keyringOverride;
        foreach (string keyring in DefaultKeyrings)
        {
            string path = _root is null ? keyring : Path.Join(_root, keyring);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    /// <summary>Verifies <paramref name="signature"/> (binary or ASCII-armored, detached) over <paramref name="manifest"/>.</summary>
    /// <exception cref="SysUpdateException">No keyring, no gpg, or the signature does not verify.</exception>
    public async Task VerifyAsync(ReadOnlyMemory<byte> manifest, ReadOnlyMemory<byte> signature, string manifestUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifestUrl);
        cancellationToken.ThrowIfCancellationRequested();

        string keyring = ResolveKeyring() ?? throw new SysUpdateException(
            $"{manifestUrl}: Cannot verify signature: no OpenPGP keyring found (looked for {string.Join(", ", DefaultKeyrings.Select(k => _root is null ? k : Path.Join(_root, k)))}); " +
            $"install the vendor keyring, set {KeyringEnvironmentVariable}=, or disable verification with --verify=no")
        { Errno = Errno.ENOKEY };
        if (signature.IsEmpty)
            throw new SysUpdateException($"{manifestUrl}: Signature is empty, cannot verify") { Errno = Errno.EBADMSG };

        DirectoryInfo temp = Directory.CreateTempSubdirectory("sysupdate-gpg-");
        try
        {
            // The fresh directory (mode 0700) is gpg's homedir. gpg gets a private copy of the keyring: it may add
            // lock files next to it, and the original may live on a read-only /usr.
            string home = temp.FullName;
            string keyringCopy = Path.Join(temp.FullName, "keyring.gpg");
            string signatureFile = Path.Join(temp.FullName, "manifest.sig");
            try
            {
                File.Copy(keyring, keyringCopy);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SysUpdateException($"{manifestUrl}: Cannot read OpenPGP keyring {keyring}: {e.Message}", e) { Errno = Errno.ENOKEY };
            }
            await File.WriteAllBytesAsync(signatureFile, signature.ToArray(), cancellationToken).ConfigureAwait(false);

            (int exitCode, string errors) = await RunGpgAsync(home, keyringCopy, signatureFile, manifest, manifestUrl, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new SysUpdateException(
                    $"{manifestUrl}: Signature verification failed ({Summarize(errors)}) with keyring {keyring}; " +
                    "make sure the manifest is signed by a key in this keyring, or the download is not tampered with")
                { Errno = Errno.EBADMSG };
            }
            if (_logger is not null)
                LogVerified(_logger, manifestUrl, keyring);
        }
        finally
        {
            try
            {
                temp.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A gpg helper may still be removing its sockets; the directory lives in the temp dir anyway.
            }
        }
    }

    private async Task<(int ExitCode, string Errors)> RunGpgAsync(
        string home, string keyring, string signatureFile, ReadOnlyMemory<byte> manifest, string manifestUrl, CancellationToken cancellationToken)
    {
        using Process process = StartGpg(home, keyring, signatureFile, manifestUrl);
        using CancellationTokenRegistration registration = cancellationToken.Register(static state =>
        {
            var p = (Process)state!;
            try
            {
                p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }, process);

        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(manifest, cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // gpg stopped reading (e.g. a malformed signature); its exit status tells why.
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        string errors = await stderr.ConfigureAwait(false);
        _ = await stdout.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return (process.ExitCode, errors);
    }

    private Process StartGpg(string home, string keyring, string signatureFile, string manifestUrl)
    {
        Win32Exception? lastError = null;
        foreach (string command in _gpgCommands)
        {
            var startInfo = new ProcessStartInfo(command)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in (string[])[
                "--no-options", "--no-default-keyring", "--no-auto-key-locate", "--no-auto-check-trustdb",
                "--batch", "--trust-model=always", $"--homedir={home}", $"--keyring={keyring}",
                "--verify", signatureFile, "-"])
            {
                startInfo.ArgumentList.Add(argument);
            }
            startInfo.Environment["LC_ALL"] = "C";
            try
            {
                return Process.Start(startInfo) ?? throw new InvalidOperationException($"Process.Start returned null for {command}");
            }
            catch (Win32Exception e)
            {
                lastError = e;
            }
        }
        throw new SysUpdateException(
            $"{manifestUrl}: Cannot verify the signature: none of {string.Join(", ", _gpgCommands)} could be started ({lastError?.Message}); install the package gpg")
        { Errno = Errno.ENOENT };
    }

    /// <summary>One line out of gpg's diagnostics: the line that says why, else the last one.</summary>
    private static string Summarize(string errors)
    {
        string[] lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? reason = lines.FirstOrDefault(l =>
            l.Contains("BAD signature", StringComparison.OrdinalIgnoreCase) ||
            l.Contains("No public key", StringComparison.OrdinalIgnoreCase) ||
            l.Contains("no valid OpenPGP data", StringComparison.OrdinalIgnoreCase) ||
            l.Contains("not a detached signature", StringComparison.OrdinalIgnoreCase));
        string line = reason ?? (lines.Length > 0 ? lines[^1] : "gpg gave no reason");
        return line.Length > 200 ? line[..200] : line;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Url}: Signature verification succeeded (keyring {Keyring}).")]
    private static partial void LogVerified(ILogger logger, string url, string keyring);
}
