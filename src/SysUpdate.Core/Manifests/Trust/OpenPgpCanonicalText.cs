namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// The bytes a text-mode OpenPGP signature (type 0x01) is computed over, as gpg's text filter makes them for a
/// detached signature: each line loses its trailing carriage returns and its line feed becomes CR LF; trailing spaces
/// and tabs stay (only the clear-signed framework strips those, see <see cref="ClearSignedManifest"/>). A last line
/// without a line feed gets none.
/// </summary>
internal static class OpenPgpCanonicalText
{
    public static byte[] Canonicalize(ReadOnlySpan<byte> text)
    {
        var output = new byte[checked(text.Length + CountLineFeeds(text))];
        int length = 0;
        while (!text.IsEmpty)
        {
            int end = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? text : text[..end];
            line = line.TrimEnd((byte)'\r');
            line.CopyTo(output.AsSpan(length));
            length += line.Length;
            if (end < 0)
                break;
            output[length++] = (byte)'\r';
            output[length++] = (byte)'\n';
            text = text[(end + 1)..];
        }
        return output[..length];
    }

    private static int CountLineFeeds(ReadOnlySpan<byte> text) => System.MemoryExtensions.Count(text, (byte)'\n');
}
