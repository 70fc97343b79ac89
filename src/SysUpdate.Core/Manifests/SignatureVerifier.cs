using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SysUpdate.Core.Manifests;

/// <summary>
/// Checks the detached OpenPGP signature of a manifest with gpg, invoked as systemd 262's systemd-pull does: a fresh
/// temporary homedir, <c>--trust-model=always</c>, a private copy of every trusted keyring, the manifest on stdin.
/// A subkey the keyrings only know through the key block embedded in the signature is merged in by
/// <see cref="EmbeddedKeyBlockMerger"/> (262 relies on gpg 2.4's <c>--auto-key-import</c> merge-only for this).
/// </summary>
internal sealed partial class SignatureVerifier
{
    /// <summary>Environment variable that names the keyring to use instead of the default ones.</summary>
    public const string KeyringEnvironmentVariable = "SYSTEMD_OPENPGP_KEYRING";

    /// <summary>Default keyrings, all of those that exist are consulted together: local, legacy local, vendor (paths below the root directory).</summary>
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

    /// <param name="root">Root directory prefix (<c>--root</c>) for the default keyrings; null or "/" for the host.</param>
    /// <param name="keyring">
    /// Keyring file to use instead of the default ones (not prefixed with <paramref name="root"/>); pass the value of
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
    /// The keyrings that would be consulted: the explicit keyring alone if given (whether or not it exists), else every
    /// existing file of <see cref="DefaultKeyrings"/> below the root, in that order (possibly none).
    /// </summary>
    public IReadOnlyList<string> ResolveKeyrings()
    {
        if (_keyringOverride is not null)
            return [_keyringOverride];
        return [.. DefaultKeyrings.Select(BelowRoot).Where(File.Exists)];
    }

    /// <summary>Verifies <paramref name="signature"/> (binary or ASCII-armored, detached) over <paramref name="manifest"/>.</summary>
    /// <exception cref="SysUpdateException">No keyring, no gpg, or the signature does not verify.</exception>
    public async Task VerifyAsync(ReadOnlyMemory<byte> manifest, ReadOnlyMemory<byte> signature, string manifestUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifestUrl);
        cancellationToken.ThrowIfCancellationRequested();

        if (_keyringOverride is not null && !IsAbsoluteNormalized(_keyringOverride))
            throw new SysUpdateException($"{manifestUrl}: ${KeyringEnvironmentVariable} must be an absolute, normalized path, got '{_keyringOverride}'.")
            { Errno = Errno.EINVAL };
        IReadOnlyList<string> keyrings = ResolveKeyrings();
        if (keyrings.Count == 0)
        {
            throw new SysUpdateException(
                $"{manifestUrl}: No OpenPGP keyrings found, checked {string.Join(", ", DefaultKeyrings.Select(k => $"'{BelowRoot(k)}'"))}; " +
                $"install the vendor keyring, set {KeyringEnvironmentVariable}=, or disable verification with --verify=no")
            { Errno = Errno.ENOKEY };
        }
        if (signature.IsEmpty)
            throw new SysUpdateException($"{manifestUrl}: Signature is empty, cannot verify") { Errno = Errno.EBADMSG };

        DirectoryInfo temp = Directory.CreateTempSubdirectory("sysupdate-gpg-");
        try
        {
            // The fresh directory (mode 0700) is gpg's homedir. gpg gets private copies of the keyrings: it may add
            // lock files next to them, and the originals may live on a read-only /usr. Nothing is ever written back.
            string home = temp.FullName;
            var copies = new List<string>();
            var contents = new List<ReadOnlyMemory<byte>>();
            foreach (string keyring in keyrings)
            {
                string copy = Path.Join(home, $"keyring-{copies.Count}.gpg");
                try
                {
                    byte[] bytes = await File.ReadAllBytesAsync(keyring, cancellationToken).ConfigureAwait(false);
                    await File.WriteAllBytesAsync(copy, bytes, cancellationToken).ConfigureAwait(false);
                    contents.Add(bytes);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new SysUpdateException($"{manifestUrl}: Cannot read OpenPGP keyring {keyring}: {e.Message}", e) { Errno = Errno.ENOKEY };
                }
                copies.Add(copy);
            }

            // Consulted first, so that gpg sees the trusted key together with the subkeys the signature brought along.
            if (EmbeddedKeyBlockMerger.Merge(contents, signature) is { } merged)
            {
                string mergedPath = Path.Join(home, "embedded-subkeys.gpg");
                await File.WriteAllBytesAsync(mergedPath, merged, cancellationToken).ConfigureAwait(false);
                copies.Insert(0, mergedPath);
            }

            string signatureFile = Path.Join(home, "manifest.sig");
            await File.WriteAllBytesAsync(signatureFile, signature.ToArray(), cancellationToken).ConfigureAwait(false);

            (int exitCode, string errors) = await RunGpgAsync(home, copies, signatureFile, manifest, manifestUrl, cancellationToken).ConfigureAwait(false);
            string keyringList = string.Join(", ", keyrings);
            if (exitCode != 0)
            {
                throw new SysUpdateException(
                    $"{manifestUrl}: Signature verification failed ({Summarize(errors)}) with {(keyrings.Count == 1 ? "keyring" : "keyrings")} {keyringList}; " +
                    "make sure the manifest is signed by a key in these keyrings, or the download is not tampered with")
                { Errno = Errno.EBADMSG };
            }
            if (_logger is not null)
                LogVerified(_logger, manifestUrl, keyringList);
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

    private string BelowRoot(string path) => _root is null ? path : Path.Join(_root, path);

    private static bool IsAbsoluteNormalized(string path) =>
        path.StartsWith('/') && !path.Contains("//", StringComparison.Ordinal) &&
        path.Split('/').All(component => component is not ("." or ".."));

    private async Task<(int ExitCode, string Errors)> RunGpgAsync(
        string home, IReadOnlyList<string> keyrings, string signatureFile, ReadOnlyMemory<byte> manifest, string manifestUrl, CancellationToken cancellationToken)
    {
        using Process process = StartGpg(home, keyrings, signatureFile, manifestUrl);
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

    private Process StartGpg(string home, IReadOnlyList<string> keyrings, string signatureFile, string manifestUrl)
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
                "--no-auto-key-import", "--batch", "--trust-model=always", $"--homedir={home}",
                .. keyrings.Select(k => $"--keyring={k}"),
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Url}: Signature verification succeeded (keyrings {Keyrings}).")]
    private static partial void LogVerified(ILogger logger, string url, string keyrings);
}
