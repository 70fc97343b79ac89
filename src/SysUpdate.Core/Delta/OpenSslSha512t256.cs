using System.Runtime.InteropServices;

namespace SysUpdate.Core.Delta;

/// <summary>
/// SHA-512/256 through OpenSSL's libcrypto, the library .NET itself loads for its hashes on Linux. casync and desync
/// name chunks by SHA-512/256 by default and .NET has no public API for it; BouncyCastle's managed implementation
/// runs at about a fifth of OpenSSL's speed (166 vs. ~800 MB/s per core here), which a delta update pays over every
/// byte of every seed. Where libcrypto 3 is missing, <see cref="IsAvailable"/> is false and the caller uses BouncyCastle.
/// </summary>
internal static partial class OpenSslSha512t256
{
    private const string LibCrypto = "libcrypto.so.3";

    private static readonly nint Md = TryFetch();

    public static bool IsAvailable => Md != 0;

    /// <summary>Hashes <paramref name="data"/> into the 32 bytes of <paramref name="digest"/>.</summary>
    public static unsafe void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (Md == 0)
            throw new InvalidOperationException("libcrypto's SHA-512/256 is not available.");
        if (digest.Length < ChunkId.Size)
            throw new ArgumentException("The digest needs 32 bytes.", nameof(digest));
        uint length = 0;
        fixed (byte* input = data)
        fixed (byte* output = digest)
        {
            if (EVP_Digest(input, (nuint)data.Length, output, &length, Md, 0) != 1 || length != ChunkId.Size)
                throw new CryptographicOperationException("libcrypto's EVP_Digest(SHA512-256) failed.");
        }
    }

    private static nint TryFetch()
    {
        try
        {
            return EVP_MD_fetch(0, "SHA512-256", null);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    [LibraryImport(LibCrypto, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint EVP_MD_fetch(nint libraryContext, string algorithm, string? properties);

    [LibraryImport(LibCrypto)]
    private static unsafe partial int EVP_Digest(byte* data, nuint count, byte* md, uint* size, nint type, nint engine);

    /// <summary>libcrypto refused a digest it had offered: not an input problem.</summary>
    private sealed class CryptographicOperationException(string message) : System.Security.Cryptography.CryptographicException(message);
}
