using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>Reads the signature packets of a detached OpenPGP signature file, binary or ASCII-armored (checksum checked).</summary>
internal static class OpenPgpSignatureFile
{
    /// <summary>Every signature packet, or null when the file is not a well-formed detached signature (gpg refuses those too).</summary>
    public static IReadOnlyList<PgpSignature>? Read(ReadOnlyMemory<byte> file)
    {
        var signatures = new List<PgpSignature>();
        try
        {
            using var input = new MemoryStream(file.ToArray(), writable: false);
            using Stream decoded = PgpUtilities.GetDecoderStream(input);
            var factory = new PgpObjectFactory(decoded);
            while (factory.NextPgpObject() is { } item)
            {
                switch (item)
                {
                    case PgpSignatureList list:
                        for (int i = 0; i < list.Count; i++)
                            signatures.Add(list[i]);
                        break;
                    case PgpMarker:
                        break;
                    default:
                        return null;
                }
            }
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
        return signatures.Count == 0 ? null : signatures;
    }
}
