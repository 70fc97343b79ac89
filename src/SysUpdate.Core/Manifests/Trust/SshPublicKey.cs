using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// An SSH public key of a type whose signatures can be checked here: <c>ssh-ed25519</c> (BouncyCastle),
/// <c>ecdsa-sha2-nistp256/384/521</c> and <c>ssh-rsa</c> with <c>rsa-sha2-256/512</c> signatures (the runtime's crypto).
/// Keys are compared by their wire blob, which is canonical for these types.
/// </summary>
internal sealed class SshPublicKey
{
    public const string Ed25519 = "ssh-ed25519";
    public const string Rsa = "ssh-rsa";
    private const int MinRsaBits = 2048;

    private readonly byte[] _blob;
    private readonly byte[] _material;
    private readonly byte[] _exponent;

    private SshPublicKey(string type, byte[] blob, byte[] material, byte[] exponent)
    {
        Type = type;
        _blob = blob;
        _material = material;
        _exponent = exponent;
        Fingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
    }

    /// <summary>The key type as written in <c>allowed_signers</c> (<c>ssh-ed25519</c>).</summary>
    public string Type { get; }

    /// <summary>As <c>ssh-keygen -l</c> prints it: <c>SHA256:</c> and the unpadded base64 SHA-256 of the blob.</summary>
    public string Fingerprint { get; }

    public bool SameKeyAs(ReadOnlySpan<byte> blob) => blob.SequenceEqual(_blob);

    /// <summary>Parses a public key blob; null when it is well-formed but of a type not supported here.</summary>
    /// <exception cref="SshSignatureFormatException">The blob is malformed.</exception>
    public static SshPublicKey? Parse(ReadOnlySpan<byte> blob, string source)
    {
        var reader = new SshWireReader(blob, source);
        string type = reader.ReadName("public key type");
        SshPublicKey? key;
        switch (type)
        {
            case Ed25519:
                ReadOnlySpan<byte> point = reader.ReadString("Ed25519 public key");
                if (point.Length != Ed25519PublicKeyParameters.KeySize)
                    throw new SshSignatureFormatException(source, "Ed25519 public key is not 32 bytes");
                key = new SshPublicKey(type, blob.ToArray(), point.ToArray(), []);
                break;
            case "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521":
                string curve = reader.ReadName("ECDSA curve");
                if (curve != type["ecdsa-sha2-".Length..])
                    throw new SshSignatureFormatException(source, $"ECDSA key of type {type} names curve '{curve}'");
                ReadOnlySpan<byte> q = reader.ReadString("ECDSA public point");
                if (q.Length != 1 + 2 * FieldBytes(type) || q[0] != 0x04)
                    throw new SshSignatureFormatException(source, "ECDSA public point is not an uncompressed point of its curve");
                key = new SshPublicKey(type, blob.ToArray(), q.ToArray(), []);
                break;
            case Rsa:
                byte[] e = reader.ReadUnsignedMpint("RSA exponent").ToArray();
                byte[] n = reader.ReadUnsignedMpint("RSA modulus").ToArray();
                if (n.Length * 8 < MinRsaBits || e.Length == 0)
                    throw new SshSignatureFormatException(source, $"RSA key is shorter than {MinRsaBits} bits");
                key = new SshPublicKey(type, blob.ToArray(), n, e);
                break;
            default:
                return null;
        }
        reader.ExpectEnd("the public key");
        return key;
    }

    /// <summary>Whether <paramref name="signatureBlob"/> (SSH signature encoding) is a good signature of this key over <paramref name="data"/>.</summary>
    /// <exception cref="SshSignatureFormatException">The signature blob is malformed or of an algorithm that does not fit the key.</exception>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signatureBlob, string source)
    {
        var reader = new SshWireReader(signatureBlob, source);
        string algorithm = reader.ReadName("signature algorithm");
        ReadOnlySpan<byte> signature = reader.ReadString("signature");
        reader.ExpectEnd("the signature");
        switch (Type)
        {
            case Ed25519:
                Expect(algorithm == Ed25519, algorithm, source);
                if (signature.Length != Ed25519PrivateKeyParameters.SignatureSize)
                    throw new SshSignatureFormatException(source, "Ed25519 signature is not 64 bytes");
                var verifier = new Ed25519Signer();
                verifier.Init(false, new Ed25519PublicKeyParameters(_material));
                verifier.BlockUpdate(data);
                return verifier.VerifySignature(signature.ToArray());
            case Rsa:
                HashAlgorithmName hash = algorithm switch
                {
                    "rsa-sha2-256" => HashAlgorithmName.SHA256,
                    "rsa-sha2-512" => HashAlgorithmName.SHA512,
                    _ => throw new SshSignatureFormatException(source, $"RSA signature algorithm '{algorithm}' is not rsa-sha2-256 or rsa-sha2-512"),
                };
                if (signature.Length > _material.Length)
                    return false;
                var padded = new byte[_material.Length];
                signature.CopyTo(padded.AsSpan(padded.Length - signature.Length));
                using (var rsa = RSA.Create(new RSAParameters { Modulus = _material, Exponent = _exponent }))
                    return rsa.VerifyData(data, padded, hash, RSASignaturePadding.Pkcs1);
            default:
                Expect(algorithm == Type, algorithm, source);
                return VerifyEcdsa(data, signature, source);
        }
    }

    private bool VerifyEcdsa(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, string source)
    {
        int size = FieldBytes(Type);
        var inner = new SshWireReader(signature, source);
        ReadOnlySpan<byte> r = inner.ReadUnsignedMpint("ECDSA r");
        ReadOnlySpan<byte> s = inner.ReadUnsignedMpint("ECDSA s");
        inner.ExpectEnd("the ECDSA signature");
        if (r.Length > size || s.Length > size)
            return false;
        var fixedSize = new byte[2 * size];
        r.CopyTo(fixedSize.AsSpan(size - r.Length));
        s.CopyTo(fixedSize.AsSpan(2 * size - s.Length));
        (ECCurve curve, HashAlgorithmName hash) = Type switch
        {
            "ecdsa-sha2-nistp256" => (ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256),
            "ecdsa-sha2-nistp384" => (ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384),
            _ => (ECCurve.NamedCurves.nistP521, HashAlgorithmName.SHA512),
        };
        var parameters = new ECParameters
        {
            Curve = curve,
            Q = new ECPoint { X = _material[1..(1 + size)], Y = _material[(1 + size)..] },
        };
        try
        {
            using var ecdsa = ECDsa.Create(parameters);
            return ecdsa.VerifyData(data, fixedSize, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            // The point is not on the curve: no signature of this "key" can be good.
            return false;
        }
    }

    private static int FieldBytes(string type) => type switch
    {
        "ecdsa-sha2-nistp256" => 32,
        "ecdsa-sha2-nistp384" => 48,
        _ => 66,
    };

    private void Expect(bool fits, string algorithm, string source)
    {
        if (!fits)
            throw new SshSignatureFormatException(source, $"signature algorithm '{algorithm}' does not fit key type {Type}");
    }
}
