using System.Text;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// TEMPORARY minimal reader of an OpenPGP cleartext-signed manifest (RFC 9580 §7), replaced at merge by the one on
/// branch h-pgp: <see cref="Text"/> is the signed text (dash-escaping undone, without the line break before the
/// signature), <see cref="Signature"/> the armored signature block.
/// </summary>
internal sealed class ClearSignedManifest
{
    private const string Begin = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string SignatureBegin = "-----BEGIN PGP SIGNATURE-----";

    private ClearSignedManifest(ReadOnlyMemory<byte> text, ReadOnlyMemory<byte> signature)
    {
        Text = text;
        Signature = signature;
    }

    public ReadOnlyMemory<byte> Text { get; }

    public ReadOnlyMemory<byte> Signature { get; }

    public static bool TryParse(ReadOnlyMemory<byte> file, out ClearSignedManifest result)
    {
        result = null!;
        string all = Encoding.UTF8.GetString(file.Span);
        if (!all.StartsWith(Begin, StringComparison.Ordinal))
            return false;
        string[] lines = all.Split('\n');
        int i = 1;
        while (i < lines.Length && lines[i].TrimEnd('\r').Length > 0)
            i++; // armor headers (Hash: ...)
        i++;
        var text = new List<string>();
        while (i < lines.Length && lines[i].TrimEnd('\r') != SignatureBegin)
        {
            string line = lines[i].TrimEnd('\r');
            text.Add(line.StartsWith("- ", StringComparison.Ordinal) ? line[2..] : line);
            i++;
        }
        if (i >= lines.Length)
            return false;
        string signature = string.Join('\n', lines[i..]);
        result = new ClearSignedManifest(Encoding.UTF8.GetBytes(string.Join('\n', text)), Encoding.UTF8.GetBytes(signature));
        return true;
    }
}
