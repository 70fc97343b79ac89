namespace SysUpdate.Core.Manifests;

/// <summary>One OpenPGP packet (RFC 9580 §4) inside a larger buffer: its tag, its bytes with header, and its body.</summary>
internal readonly record struct OpenPgpPacket(int Tag, ReadOnlyMemory<byte> Raw, ReadOnlyMemory<byte> Body)
{
    public const int SignatureTag = 2;
    public const int PublicKeyTag = 6;
    public const int PublicSubkeyTag = 14;
}
