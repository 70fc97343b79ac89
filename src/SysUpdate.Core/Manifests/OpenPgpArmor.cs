using System.Text;

namespace SysUpdate.Core.Manifests;

/// <summary>Undoes ASCII armor (RFC 9580 §6) so that <see cref="OpenPgpPacketReader"/> sees the binary packets.</summary>
internal static class OpenPgpArmor
{
    private static readonly byte[] BeginMarker = "-----BEGIN PGP "u8.ToArray();

    /// <summary>
    /// The binary form of <paramref name="data"/>: the data itself if it is not armored, the decoded body if it is,
    /// null if the armor is broken.
    /// </summary>
    public static ReadOnlyMemory<byte>? ToBinary(ReadOnlyMemory<byte> data)
    {
        ReadOnlySpan<byte> span = data.Span;
        int begin = span.IndexOf(BeginMarker);
        if (begin < 0 || span[..begin].IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            return data;

        string[] lines = Encoding.ASCII.GetString(span[begin..]).Split('\n');
        var body = new StringBuilder();
        int index = 1;
        // Header lines ("Version: …", "Comment: …") end at the first blank line.
        while (index < lines.Length && lines[index].TrimEnd('\r').Length > 0 && lines[index].Contains(':', StringComparison.Ordinal))
            index++;
        for (; index < lines.Length; index++)
        {
            string line = lines[index].Trim();
            if (line.StartsWith("-----END PGP ", StringComparison.Ordinal))
            {
                try
                {
                    return Convert.FromBase64String(body.ToString());
                }
                catch (FormatException)
                {
                    return null;
                }
            }
            if (line.StartsWith('='))
                continue; // CRC-24 checksum line
            body.Append(line);
        }
        return null;
    }
}
