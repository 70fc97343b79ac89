using System.Buffers.Binary;
using System.Text;
using SysUpdate.Core.Manifests.Trust;

namespace SysUpdate.Core.Tests.Manifests.Trust;

/// <summary>SSHSIG blobs and their armor as PROTOCOL.sshsig defines them; every malformed file is a typed, one-line error.</summary>
public sealed class SshSignatureTests
{
    private const string Source = "http://127.0.0.1/SHA256SUMS.sshsig";

    [Fact]
    public void Parse_WellFormed_ReadsNamespaceAndHash()
    {
        var signature = SshSignature.Parse(Blob(), Source);

        Assert.Equal("sysupdate", signature.Namespace);
        Assert.Equal("sha512", signature.HashAlgorithm);
    }

    [Fact]
    public void SignedData_IsMagicNamespaceReservedHashAlgorithmAndDigest()
    {
        var signature = SshSignature.Parse(Blob(hash: "sha256"), Source);

        byte[] data = signature.SignedData("hello"u8);

        byte[] expected = [.. "SSHSIG"u8, .. String("sysupdate"u8), .. String([]), .. String("sha256"u8),
            .. String(System.Security.Cryptography.SHA256.HashData("hello"u8))];
        Assert.Equal(expected, data);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(20)]
    [InlineData(60)]
    public void Parse_Truncated_FormatError(int length)
    {
        var error = Assert.Throws<SshSignatureFormatException>(() => SshSignature.Parse(Blob().AsSpan(0, length), Source));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        AssertOneLine(error);
    }

    [Fact]
    public void Parse_LengthBeyondEnd_FormatError()
    {
        byte[] blob = Blob();
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(10), 0x7fff_ffff);

        AssertOneLine(Assert.Throws<SshSignatureFormatException>(() => SshSignature.Parse(blob, Source)));
    }

    [Fact]
    public void Parse_BadMagic_FormatError()
    {
        byte[] blob = Blob();
        blob[0] = (byte)'X';

        var error = Assert.Throws<SshSignatureFormatException>(() => SshSignature.Parse(blob, Source));

        Assert.Contains("SSHSIG", error.Message, StringComparison.Ordinal);
        AssertOneLine(error);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(2u)]
    public void Parse_OtherVersion_FormatError(uint version)
    {
        var error = Assert.Throws<SshSignatureFormatException>(() => SshSignature.Parse(Blob(version: version), Source));

        Assert.Contains("version", error.Message, StringComparison.Ordinal);
        AssertOneLine(error);
    }

    [Theory]
    [InlineData("sha1")]
    [InlineData("md5")]
    [InlineData("SHA256")]
    public void Parse_OtherHashAlgorithm_FormatError(string hash)
    {
        var error = Assert.Throws<SshSignatureFormatException>(() => SshSignature.Parse(Blob(hash: hash), Source));

        Assert.Contains(hash, error.Message, StringComparison.Ordinal);
        AssertOneLine(error);
    }

    [Fact]
    public void Parse_EmptyNamespace_FormatError() =>
        AssertOneLine(Assert.Throws<SshSignatureFormatException>(() => SshSignature.Parse(Blob(ns: ""), Source)));

    [Fact]
    public void Parse_TrailingBytes_FormatError() =>
        AssertOneLine(Assert.Throws<SshSignatureFormatException>(() => SshSignature.Parse([.. Blob(), 0], Source)));

    [Fact]
    public void Armor_TwoConcatenatedBlocks_BothDecoded()
    {
        byte[] file = [.. Armored(Blob(ns: "a")), .. Armored(Blob(ns: "b"))];

        var blobs = SshSignatureArmor.Decode(file, Source);

        Assert.Equal(["a", "b"], blobs.Select(b => SshSignature.Parse(b, Source).Namespace));
    }

    [Theory]
    [InlineData("not a signature\n")]
    [InlineData("")]
    [InlineData("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n")]
    [InlineData("-----BEGIN SSH SIGNATURE-----\n!!!!\n-----END SSH SIGNATURE-----\n")]
    [InlineData("-----BEGIN PGP SIGNATURE-----\nU1NIU0lH\n-----END PGP SIGNATURE-----\n")]
    public void Armor_Malformed_FormatError(string text) =>
        AssertOneLine(Assert.Throws<SshSignatureFormatException>(() => SshSignatureArmor.Decode(Encoding.ASCII.GetBytes(text), Source)));

    [Fact]
    public void Armor_TextBetweenBlocks_FormatError()
    {
        byte[] file = [.. Armored(Blob()), .. "junk\n"u8, .. Armored(Blob())];

        AssertOneLine(Assert.Throws<SshSignatureFormatException>(() => SshSignatureArmor.Decode(file, Source)));
    }

    [Fact]
    public void Armor_TooManyBlocks_FormatError()
    {
        byte[] one = Armored(Blob());
        byte[] file = [.. Enumerable.Repeat(one, SshSignatureArmor.MaxSignatures + 1).SelectMany(b => b)];

        AssertOneLine(Assert.Throws<SshSignatureFormatException>(() => SshSignatureArmor.Decode(file, Source)));
    }

    private static void AssertOneLine(Exception error)
    {
        Assert.StartsWith(Source, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static byte[] Blob(uint version = 1, string ns = "sysupdate", string hash = "sha512")
    {
        byte[] key = [.. String("ssh-ed25519"u8), .. String(new byte[32])];
        byte[] signature = [.. String("ssh-ed25519"u8), .. String(new byte[64])];
        var v = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v, version);
        return [.. "SSHSIG"u8, .. v, .. String(key), .. String(Encoding.ASCII.GetBytes(ns)), .. String([]),
            .. String(Encoding.ASCII.GetBytes(hash)), .. String(signature)];
    }

    private static byte[] String(ReadOnlySpan<byte> value)
    {
        var result = new byte[4 + value.Length];
        BinaryPrimitives.WriteUInt32BigEndian(result, (uint)value.Length);
        value.CopyTo(result.AsSpan(4));
        return result;
    }

    private static byte[] Armored(byte[] blob) =>
        Encoding.ASCII.GetBytes($"-----BEGIN SSH SIGNATURE-----\n{Convert.ToBase64String(blob, Base64FormattingOptions.InsertLineBreaks).Replace("\r", "", StringComparison.Ordinal)}\n-----END SSH SIGNATURE-----\n");
}
