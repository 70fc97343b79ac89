using System.Text;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// An inline (clear-signed, RFC 4880 §7) manifest: <c>-----BEGIN PGP SIGNED MESSAGE-----</c>, <c>Hash:</c> headers,
/// a blank line, the dash-escaped text, then the armored signature. The signature is over <see cref="SignedText"/>:
/// the unescaped lines without trailing spaces, tabs and carriage returns, joined by CR LF, with no line break after
/// the last line. <see cref="Text"/> holds exactly those lines, LF-terminated, for the manifest parser, so nothing
/// unsigned (trailing whitespace, text around the armor) reaches it.
/// </summary>
internal sealed class ClearSignedManifest
{
    private const string BeginMessage = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string BeginSignature = "-----BEGIN PGP SIGNATURE-----";
    private const string EndSignature = "-----END PGP SIGNATURE-----";

    private ClearSignedManifest(byte[] text, byte[] signedText, byte[] signature, IReadOnlyList<string> hashAlgorithms)
    {
        Text = text;
        SignedText = signedText;
        Signature = signature;
        HashAlgorithms = hashAlgorithms;
    }

    /// <summary>The manifest lines as signed, each ending in LF, for <see cref="Sha256SumsParser"/>.</summary>
    public ReadOnlyMemory<byte> Text { get; }

    /// <summary>The canonical bytes the signature is over.</summary>
    public ReadOnlyMemory<byte> SignedText { get; }

    /// <summary>The ASCII-armored signature block.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The values of the <c>Hash:</c> headers (may be empty: MD5 by RFC 4880, not checked here).</summary>
    public IReadOnlyList<string> HashAlgorithms { get; }

    /// <summary>Whether <paramref name="file"/> begins as a clear-signed message (so a failed <see cref="TryParse"/> means it is malformed).</summary>
    public static bool IsClearSigned(ReadOnlySpan<byte> file) =>
        file.StartsWith(Encoding.ASCII.GetBytes(BeginMessage));

    /// <summary>Splits a clear-signed file; false when it is not one or its framing is broken.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> file, out ClearSignedManifest result)
    {
        result = null!;
        if (!IsClearSigned(file.Span))
            return false;
        string content;
        try
        {
            content = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(file.Span);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        string[] lines = content.Split('\n');
        int index = 1;
        var hashes = new List<string>();
        for (; index < lines.Length && lines[index].TrimEnd('\r', ' ', '\t').Length > 0; index++)
        {
            string header = lines[index].TrimEnd('\r');
            if (!header.StartsWith("Hash: ", StringComparison.Ordinal))
                return false;
            hashes.AddRange(header["Hash: ".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }
        index++; // the blank line after the headers

        var signed = new List<string>();
        for (; index < lines.Length; index++)
        {
            string line = lines[index].TrimEnd('\r');
            if (line.StartsWith('-'))
            {
                if (line.TrimEnd(' ', '\t') == BeginSignature)
                    break;
                if (!line.StartsWith("- ", StringComparison.Ordinal))
                    return false;
                line = line[2..];
            }
            signed.Add(line.TrimEnd(' ', '\t', '\r'));
        }
        if (index >= lines.Length)
            return false;

        int end = Array.FindIndex(lines, index, l => l.TrimEnd('\r', ' ', '\t') == EndSignature);
        if (end < 0 || lines.Skip(end + 1).Any(l => l.Trim().Length > 0))
            return false;

        string signature = string.Join('\n', lines[index..(end + 1)].Select(l => l.TrimEnd('\r'))) + "\n";
        result = new ClearSignedManifest(
            Encoding.UTF8.GetBytes(string.Concat(signed.Select(l => l + "\n"))),
            Encoding.UTF8.GetBytes(string.Join("\r\n", signed)),
            Encoding.ASCII.GetBytes(signature),
            hashes);
        return true;
    }

    /// <summary>
    /// The distinct trusted keys whose text signature over <see cref="SignedText"/> is good (see
    /// <see cref="OpenPgpSignatureScheme"/>). As gpg, a signature whose digest the <c>Hash:</c> headers do not name
    /// refuses the manifest.
    /// </summary>
    public Task<IReadOnlySet<string>> FindTrustedSignersAsync(OpenPgpSignatureScheme scheme, string url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        if (HashAlgorithms.Count > 0 && OpenPgpSignatureFile.Read(Signature) is { } signatures &&
            signatures.Select(s => DigestName(s.HashAlgorithm)).FirstOrDefault(name => !HashAlgorithms.Contains(name, StringComparer.OrdinalIgnoreCase)) is { } conflict)
        {
            throw new SysUpdateException(
                $"{url}: Signature verification failed (a signature uses {conflict}, the Hash: header names {string.Join(", ", HashAlgorithms)}); " +
                "make sure the manifest is signed by a key in the keyrings, or the download is not tampered with")
            { Errno = Errno.EBADMSG };
        }
        return scheme.FindTrustedSignersAsync(SignedText, Signature, url, cancellationToken);
    }

    private static string DigestName(Org.BouncyCastle.Bcpg.HashAlgorithmTag tag) => tag switch
    {
        Org.BouncyCastle.Bcpg.HashAlgorithmTag.MD5 => "MD5",
        Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha1 => "SHA1",
        Org.BouncyCastle.Bcpg.HashAlgorithmTag.RipeMD160 => "RIPEMD160",
        Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha224 => "SHA224",
        Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha256 => "SHA256",
        Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha384 => "SHA384",
        Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha512 => "SHA512",
        _ => ((int)tag).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
