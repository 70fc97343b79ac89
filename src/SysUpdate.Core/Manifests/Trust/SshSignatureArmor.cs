using System.Text;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// Splits an SSH signature file into its armored blocks (<c>-----BEGIN SSH SIGNATURE-----</c> … <c>-----END SSH
/// SIGNATURE-----</c>) and decodes each. Several blocks may follow each other (<c>cat a.sig b.sig</c>), separated by
/// line breaks only; anything else outside a block is refused.
/// </summary>
internal static class SshSignatureArmor
{
    /// <summary>More than any vendor's custody scheme needs; bounds the work an untrusted file can cause.</summary>
    public const int MaxSignatures = 64;

    private const string Begin = "-----BEGIN SSH SIGNATURE-----";
    private const string End = "-----END SSH SIGNATURE-----";

    /// <exception cref="SshSignatureFormatException">No block, an unterminated block, text between blocks, bad base64, too many blocks.</exception>
    public static IReadOnlyList<byte[]> Decode(ReadOnlySpan<byte> file, string source)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file);
        }
        catch (DecoderFallbackException)
        {
            throw new SshSignatureFormatException(source, "not an armored SSH signature (binary data)");
        }

        var blobs = new List<byte[]>();
        StringBuilder? body = null;
        int lineNumber = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.TrimEnd('\r').Trim();
            if (body is null)
            {
                if (line.Length == 0)
                    continue;
                if (line != Begin)
                    throw new SshSignatureFormatException(source, $"line {lineNumber}: expected '{Begin}'");
                if (blobs.Count == MaxSignatures)
                    throw new SshSignatureFormatException(source, $"more than {MaxSignatures} signatures in one file");
                body = new StringBuilder();
            }
            else if (line == End)
            {
                blobs.Add(DecodeBase64(body.ToString(), source, lineNumber));
                body = null;
            }
            else
            {
                body.Append(line);
            }
        }
        if (body is not null)
            throw new SshSignatureFormatException(source, $"'{Begin}' without '{End}'");
        if (blobs.Count == 0)
            throw new SshSignatureFormatException(source, "no SSH signature in the file");
        return blobs;
    }

    private static byte[] DecodeBase64(string text, string source, int lineNumber)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new SshSignatureFormatException(source, $"the signature ending at line {lineNumber} is not valid base64");
        }
    }
}
