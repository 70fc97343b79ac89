using System.Security.Cryptography;
using System.Text;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// One SSHSIG blob (openssh's PROTOCOL.sshsig): <c>"SSHSIG"</c>, version 1, the signer's public key blob, the
/// namespace, a reserved string, the hash algorithm (<c>sha256</c> or <c>sha512</c>) and the signature over
/// <see cref="SignedData"/>.
/// </summary>
internal sealed class SshSignature
{
    public const int Version = 1;
    private static readonly byte[] Magic = "SSHSIG"u8.ToArray();

    private readonly byte[] _publicKey;
    private readonly byte[] _reserved;
    private readonly byte[] _signature;

    private SshSignature(byte[] publicKey, string @namespace, byte[] reserved, string hashAlgorithm, byte[] signature)
    {
        _publicKey = publicKey;
        Namespace = @namespace;
        _reserved = reserved;
        HashAlgorithm = hashAlgorithm;
        _signature = signature;
    }

    public string Namespace { get; }

    public string HashAlgorithm { get; }

    public ReadOnlySpan<byte> PublicKey => _publicKey;

    public ReadOnlySpan<byte> Signature => _signature;

    /// <exception cref="SshSignatureFormatException">Truncated, not SSHSIG, a version other than 1, an empty namespace,
    /// or a hash algorithm other than sha256/sha512.</exception>
    public static SshSignature Parse(ReadOnlySpan<byte> blob, string source)
    {
        var reader = new SshWireReader(blob, source);
        if (!reader.ReadBytes(Magic.Length, "magic").SequenceEqual(Magic))
            throw new SshSignatureFormatException(source, "not an SSH signature (no SSHSIG magic)");
        uint version = reader.ReadUInt32("version");
        if (version != Version)
            throw new SshSignatureFormatException(source, $"SSH signature version {version} is not supported (only {Version})");
        byte[] publicKey = reader.ReadString("public key").ToArray();
        string ns = reader.ReadName("namespace");
        byte[] reserved = reader.ReadString("reserved field").ToArray();
        string hash = reader.ReadName("hash algorithm");
        byte[] signature = reader.ReadString("signature").ToArray();
        reader.ExpectEnd("the signature");
        if (ns.Length == 0)
            throw new SshSignatureFormatException(source, "SSH signature has an empty namespace");
        if (hash is not ("sha256" or "sha512"))
            throw new SshSignatureFormatException(source, $"SSH signature hash algorithm '{hash}' is not sha256 or sha512");
        return new SshSignature(publicKey, ns, reserved, hash, signature);
    }

    /// <summary>What the key signed: MAGIC || string(namespace) || string(reserved) || string(hash_alg) || string(H(message)).</summary>
    public byte[] SignedData(ReadOnlySpan<byte> message)
    {
        byte[] digest = HashAlgorithm == "sha256" ? SHA256.HashData(message) : SHA512.HashData(message);
        using var buffer = new MemoryStream();
        buffer.Write(Magic);
        WriteString(buffer, Encoding.ASCII.GetBytes(Namespace));
        WriteString(buffer, _reserved);
        WriteString(buffer, Encoding.ASCII.GetBytes(HashAlgorithm));
        WriteString(buffer, digest);
        return buffer.ToArray();
    }

    private static void WriteString(MemoryStream buffer, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
        buffer.Write(length);
        buffer.Write(value);
    }
}
