using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// Detached OpenPGP signatures (<c>SHA256SUMS.gpg</c>, binary or ASCII-armored), checked in-process against the
/// keyrings systemd 262.1 consults (<see cref="OpenPgpKeyringLocations"/>), with the results gpg gives when
/// systemd-pull runs it with <c>--trust-model=always</c>:
/// <list type="bullet">
/// <item>Every signature packet in the file is examined. One whose key is not in the keyrings is skipped, so a
/// vendor can sign with an old and a new key during a key rotation; gpg instead fails the whole file.</item>
/// <item>A signature by a trusted key that does not match the manifest refuses the whole manifest (it was changed
/// after signing), as does a signature by a trusted key that is not a binary or text document signature.</item>
/// <item>A signing subkey counts for its primary key when the primary key bound it and the subkey signed back
/// (cross-certification); a subkey carried in the signature's embedded key block counts the same way, when its
/// primary key is trusted (<see cref="EmbeddedKeyBlockMerger"/>, gpg's <c>--auto-key-import</c> merge-only).</item>
/// <item>As gpg: a good signature by an expired or revoked key counts; an expired signature does not, nor does
/// one older than its key or by a key created in the future. SHA-1 digests are accepted.</item>
/// <item>A text-mode signature (type 0x01) is checked over the text as gpg's text filter canonicalises it
/// (<see cref="OpenPgpCanonicalText"/>), so it also verifies the signed text of a clear-signed manifest.</item>
/// </list>
/// </summary>
internal sealed partial class OpenPgpSignatureScheme : IManifestSignatureScheme
{
    private readonly OpenPgpKeyringLocations _locations;
    private readonly ILogger? _logger;
    private readonly TimeProvider _time;

    /// <param name="root">Root directory prefix (<c>--root</c>) for the default keyrings; null or "/" for the host.</param>
    /// <param name="keyring">
    /// Keyring file to use instead of the default ones (not prefixed with <paramref name="root"/>); pass the value of
    /// <see cref="OpenPgpKeyringLocations.EnvironmentVariable"/> here, as <see cref="FromEnvironment"/> does.
    /// </param>
    /// <param name="time">Clock for signature and key expiry; the system clock unless a test passes one.</param>
    public OpenPgpSignatureScheme(string? root, string? keyring, ILogger? logger = null, TimeProvider? time = null)
    {
        _locations = new OpenPgpKeyringLocations(root, keyring);
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public string Name => ManifestTrustPolicy.OpenPgp;

    public IReadOnlyList<string> SignatureSuffixes { get; } = [".gpg", ".asc"];

    /// <summary>A scheme that honours <see cref="OpenPgpKeyringLocations.EnvironmentVariable"/> of this process.</summary>
    public static OpenPgpSignatureScheme FromEnvironment(string? root, ILogger? logger = null) =>
        new(root, Environment.GetEnvironmentVariable(OpenPgpKeyringLocations.EnvironmentVariable), logger);

    /// <inheritdoc cref="OpenPgpKeyringLocations.Resolve"/>
    public IReadOnlyList<string> ResolveKeyrings() => _locations.Resolve();

    public async Task<IReadOnlySet<string>> FindTrustedSignersAsync(
        ReadOnlyMemory<byte> manifest, ReadOnlyMemory<byte> signature, string signatureUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signatureUrl);
        cancellationToken.ThrowIfCancellationRequested();

        if (!_locations.OverrideIsValid())
        {
            throw new SysUpdateException(
                $"{signatureUrl}: ${OpenPgpKeyringLocations.EnvironmentVariable} must be an absolute, normalized path, got '{_locations.Override}'.")
            { Errno = Errno.EINVAL };
        }
        IReadOnlyList<string> keyrings = _locations.Resolve();
        if (keyrings.Count == 0)
        {
            throw new SysUpdateException(
                $"{signatureUrl}: No OpenPGP keyrings found, checked {string.Join(", ", _locations.DefaultsBelowRoot().Select(k => $"'{k}'"))}; " +
                $"install the vendor keyring, set {OpenPgpKeyringLocations.EnvironmentVariable}=, or disable verification with --verify=no")
            { Errno = Errno.ENOKEY };
        }
        var contents = new List<ReadOnlyMemory<byte>>(keyrings.Count);
        foreach (string keyring in keyrings)
        {
            try
            {
                contents.Add(await File.ReadAllBytesAsync(keyring, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SysUpdateException($"{signatureUrl}: Cannot read OpenPGP keyring {keyring}: {e.Message}", e) { Errno = Errno.ENOKEY };
            }
        }

        string keyringList = DescribeKeyrings(keyrings);
        if (signature.IsEmpty)
            throw Failure(signatureUrl, "signature is empty", keyringList);
        IReadOnlyList<PgpSignature> signatures = OpenPgpSignatureFile.Read(signature)
            ?? throw Failure(signatureUrl, "no valid OpenPGP signature data", keyringList);

        OpenPgpTrustedKeys trusted = OpenPgpTrustedKeys.Load(contents, signature);
        byte[]? canonicalText = null;
        var signers = new HashSet<string>(StringComparer.Ordinal);
        foreach (PgpSignature candidate in signatures)
        {
            if (trusted.FindSigner(candidate) is not { } signer)
            {
                if (_logger is not null)
                    LogUnknownKey(_logger, signatureUrl, candidate.KeyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }
            if (candidate.SignatureType is not (PgpSignature.BinaryDocument or PgpSignature.CanonicalTextDocument))
                throw Failure(signatureUrl, $"signature of type 0x{candidate.SignatureType:X2} by key {signer.PrimaryFingerprint} is not a document signature", keyringList);

            ReadOnlySpan<byte> signed = candidate.SignatureType == PgpSignature.CanonicalTextDocument
                ? canonicalText ??= OpenPgpCanonicalText.Canonicalize(manifest.Span)
                : manifest.Span;
            if (!Matches(candidate, signer, signed))
                throw Failure(signatureUrl, $"BAD signature by key {signer.PrimaryFingerprint}", keyringList);

            if (WhyNotCurrent(candidate, signer) is { } reason)
            {
                if (_logger is not null)
                    LogNotCounted(_logger, signatureUrl, signer.PrimaryFingerprint, reason);
                continue;
            }
            signers.Add(signer.PrimaryFingerprint);
        }
        if (_logger is not null && signers.Count > 0)
            LogVerified(_logger, signatureUrl, string.Join(", ", signers), keyringList);
        return signers;
    }

    /// <summary>The one-line error for a signature that does not verify, naming the URL, the keyrings, and what to do.</summary>
    public static SysUpdateException Failure(string url, string reason, string keyringList) =>
        new($"{url}: Signature verification failed ({reason}) with {keyringList}; " +
            "make sure the manifest is signed by a key in these keyrings, or the download is not tampered with")
        { Errno = Errno.EBADMSG };

    /// <summary>"keyring X" or "keyrings X, Y", for <see cref="Failure"/>.</summary>
    public static string DescribeKeyrings(IReadOnlyList<string> keyrings) =>
        $"{(keyrings.Count == 1 ? "keyring" : "keyrings")} {string.Join(", ", keyrings)}";

    private static bool Matches(PgpSignature signature, OpenPgpSigningKey signer, ReadOnlySpan<byte> signed)
    {
        try
        {
            signature.InitVerify(signer.Key);
            signature.Update(signed);
            return signature.Verify();
        }
        catch (Exception e) when (e is PgpException or IOException or ArgumentException or InvalidOperationException)
        {
            // An algorithm or key the library cannot use is no good signature either.
            return false;
        }
    }

    /// <summary>Why gpg would not call a cryptographically good signature good, or null when it would.</summary>
    private string? WhyNotCurrent(PgpSignature signature, OpenPgpSigningKey signer)
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;
        if (signer.Key.CreationTime > signature.CreationTime)
            return "the key is newer than the signature";
        if (signer.Key.CreationTime > now)
            return "the key was created in the future";
        long lifetime = signature.GetHashedSubPackets()?.GetSignatureExpirationTime() ?? 0;
        if (lifetime > 0 && signature.CreationTime.AddSeconds(lifetime) <= now)
            return $"the signature expired on {signature.CreationTime.AddSeconds(lifetime):u}";
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Url}: Good signature by trusted key(s) {Signers} ({Keyrings}).")]
    private static partial void LogVerified(ILogger logger, string url, string signers, string keyrings);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Url}: Skipping a signature by key {KeyId}, which is not in the keyrings.")]
    private static partial void LogUnknownKey(ILogger logger, string url, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Url}: Not counting the signature by key {Fingerprint}: {Reason}.")]
    private static partial void LogNotCounted(ILogger logger, string url, string fingerprint, string reason);
}
