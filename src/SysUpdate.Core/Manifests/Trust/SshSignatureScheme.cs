using Microsoft.Extensions.Logging;
using SysUpdate.Core.Config;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// OpenSSH signatures (<c>ssh-keygen -Y sign -f KEY -n sysupdate SHA256SUMS</c>) in <c>SHA256SUMS.sshsig</c>, checked
/// in-process against the keys of the <c>allowed_signers</c> files. The file may hold several armored signatures one
/// after another (<c>cat a.sig b.sig &gt; SHA256SUMS.sshsig</c>); each good one by a trusted key counts. A signature
/// by a key that is not trusted (or not trusted for the namespace <c>sysupdate</c>) is skipped; one by a trusted key
/// that does not verify, or that was made for another namespace, refuses the manifest.
/// </summary>
internal sealed class SshSignatureScheme : IManifestSignatureScheme
{
    public const string SchemeName = "ssh";

    /// <summary>The namespace (<c>-n</c>) the signatures must be made for.</summary>
    public const string Namespace = "sysupdate";

    /// <summary>Names the allowed signers file to use instead of the default ones.</summary>
    public const string AllowedSignersEnvironmentVariable = "SYSTEMD_SSH_ALLOWED_SIGNERS";

    /// <summary>Default files below the root; all that exist are consulted together.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedSigners =
    [
        "/etc/systemd/import-allowed-signers",
        "/usr/lib/systemd/import-allowed-signers",
    ];

    private readonly string? _root;
    private readonly string? _override;
    private readonly ILogger? _logger;
    private readonly TimeProvider _time;

    /// <param name="root">Root directory (<c>--root</c>) for the default files; null or "/" for the host.</param>
    /// <param name="allowedSigners">A file to use instead of the default ones (not below the root).</param>
    /// <param name="time">The clock for <c>valid-after</c>/<c>valid-before</c>.</param>
    public SshSignatureScheme(string? root, string? allowedSigners, ILogger? logger = null, TimeProvider? time = null)
    {
        _root = string.IsNullOrEmpty(root) || root == "/" ? null : root;
        _override = string.IsNullOrEmpty(allowedSigners) ? null : allowedSigners;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public string Name => SchemeName;

    public IReadOnlyList<string> SignatureSuffixes { get; } = [".sshsig"];

    public static SshSignatureScheme FromEnvironment(string? root, ILogger? logger = null) =>
        new(root, Environment.GetEnvironmentVariable(AllowedSignersEnvironmentVariable), logger);

    /// <summary>The files that would be consulted: the override alone, else the existing default files below the root.</summary>
    public IReadOnlyList<string> ResolveFiles() =>
        _override is not null ? [_override] : [.. DefaultAllowedSigners.Select(BelowRoot).Where(File.Exists)];

    public async Task<IReadOnlySet<string>> FindTrustedSignersAsync(
        ReadOnlyMemory<byte> manifest, ReadOnlyMemory<byte> signature, string signatureUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signatureUrl);
        IReadOnlyList<AllowedSigner> trusted = await LoadAllowedSignersAsync(signatureUrl, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        var signers = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<byte[]> blobs = SshSignatureArmor.Decode(signature.Span, signatureUrl);
        for (int i = 0; i < blobs.Count; i++)
        {
            string source = blobs.Count == 1 ? signatureUrl : $"{signatureUrl} (signature {i + 1} of {blobs.Count})";
            SshSignature parsed = SshSignature.Parse(blobs[i], source);
            var candidates = trusted.Where(t => t.Key.SameKeyAs(parsed.PublicKey)).ToList();
            if (candidates.Count == 0)
            {
                Note($"{source}: signed by a key not in the allowed signers, not counted");
                continue;
            }
            SshPublicKey key = candidates[0].Key;
            if (!candidates.Any(c => c.Allows(Namespace, now)))
            {
                Note($"{source}: key {key.Fingerprint} is listed ({candidates[0].Location}) but not for namespace '{Namespace}' at this time, not counted");
                continue;
            }
            if (parsed.Namespace != Namespace)
            {
                throw new SysUpdateException(
                    $"{source}: signature by trusted key {key.Fingerprint} was made for namespace '{parsed.Namespace}', not '{Namespace}', refusing; " +
                    $"sign with 'ssh-keygen -Y sign -n {Namespace}'")
                { Errno = Errno.EBADMSG };
            }
            if (!key.Verify(parsed.SignedData(manifest.Span), parsed.Signature, source))
            {
                throw new SysUpdateException(
                    $"{source}: BAD signature by trusted key {key.Fingerprint} ({candidates[0].Principals}): the manifest was changed after signing, refusing; " +
                    "make sure the download is not tampered with")
                { Errno = Errno.EBADMSG };
            }
            signers.Add(key.Fingerprint);
        }
        return signers;
    }

    private async Task<IReadOnlyList<AllowedSigner>> LoadAllowedSignersAsync(string signatureUrl, CancellationToken cancellationToken)
    {
        if (_override is not null && !Path.IsPathFullyQualified(_override))
            throw new SysUpdateException($"{signatureUrl}: ${AllowedSignersEnvironmentVariable} must be an absolute path, got '{_override}'") { Errno = Errno.EINVAL };
        IReadOnlyList<string> files = ResolveFiles();
        var diagnostics = new List<ConfigDiagnostic>();
        var signers = new List<AllowedSigner>();
        foreach (string file in files)
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SysUpdateException($"{signatureUrl}: Cannot read SSH allowed signers {file}: {e.Message}", e) { Errno = Errno.ENOKEY };
            }
            signers.AddRange(AllowedSignersFile.Parse(file, text, diagnostics));
        }
        foreach (ConfigDiagnostic diagnostic in diagnostics)
            _logger?.Warning(diagnostic.ToString());
        if (signers.Count == 0)
        {
            string checkedFiles = string.Join(", ", (_override is not null ? [_override] : DefaultAllowedSigners.Select(BelowRoot)).Select(f => $"'{f}'"));
            throw new SysUpdateException(
                $"{signatureUrl}: No trusted SSH keys found, checked {checkedFiles}; " +
                $"install the vendor's allowed signers file, set {AllowedSignersEnvironmentVariable}=, or disable verification with --verify=no")
            { Errno = Errno.ENOKEY };
        }
        return signers;
    }

    private void Note(string message) => _logger?.Info(message);

    private string BelowRoot(string path) => _root is null ? path : Path.Join(_root, path);
}
