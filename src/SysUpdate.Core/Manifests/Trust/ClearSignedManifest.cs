using System.Text;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// TEMPORARY minimal reader of an OpenPGP cleartext-signed manifest (RFC 9580 §7), replaced at merge by the one on
/// branch h-pgp, with the same members: <see cref="Text"/> is the signed lines (dash-escaping undone), each ending in
/// LF, for the manifest parser; <see cref="SignedText"/> the canonical bytes the signature is over (trailing
/// whitespace removed, lines joined by CR LF, no line break after the last); <see cref="Signature"/> the armored block.
/// </summary>
internal sealed class ClearSignedManifest
{
    private const string Begin = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string SignatureBegin = "-----BEGIN PGP SIGNATURE-----";

    private ClearSignedManifest(byte[] text, byte[] signedText, byte[] signature)
    {
        Text = text;
        SignedText = signedText;
        Signature = signature;
    }

    public ReadOnlyMemory<byte> Text { get; }

    public ReadOnlyMemory<byte> SignedText { get; }

    public ReadOnlyMemory<byte> Signature { get; }

    public static bool IsClearSigned(ReadOnlySpan<byte> file) => file.StartsWith(Encoding.ASCII.GetBytes(Begin));

    public static bool TryParse(ReadOnlyMemory<byte> file, out ClearSignedManifest result)
    {
        result = null!;
        if (!IsClearSigned(file.Span))
            return false;
        string[] lines = Encoding.UTF8.GetString(file.Span).Split('\n');
        int i = 1;
        while (i < lines.Length && lines[i].TrimEnd('\r').Length > 0)
            i++; // armor headers (Hash: ...)
        i++;
        var text = new List<string>();
        while (i < lines.Length && lines[i].TrimEnd('\r') != SignatureBegin)
        {
            string line = lines[i].TrimEnd('\r', ' ', '\t');
            text.Add(line.StartsWith("- ", StringComparison.Ordinal) ? line[2..] : line);
            i++;
        }
        if (i >= lines.Length)
            return false;
        result = new ClearSignedManifest(
            Encoding.UTF8.GetBytes(string.Concat(text.Select(l => l + "\n"))),
            Encoding.UTF8.GetBytes(string.Join("\r\n", text)),
            Encoding.UTF8.GetBytes(string.Join('\n', lines[i..])));
        return true;
    }
}
