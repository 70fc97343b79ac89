using System.Buffers.Binary;
using System.Text;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// Reads the SSH wire encoding (RFC 4251 §5: <c>uint32</c>, <c>string</c>, <c>mpint</c>) from borrowed bytes.
/// Every length is checked against what is left before it is used.
/// </summary>
internal ref struct SshWireReader(ReadOnlySpan<byte> data, string source)
{
    private ReadOnlySpan<byte> _rest = data;

    public readonly bool IsEmpty => _rest.IsEmpty;

    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        if (count < 0 || count > _rest.Length)
            throw new SshSignatureFormatException(source, $"truncated {field}");
        ReadOnlySpan<byte> bytes = _rest[..count];
        _rest = _rest[count..];
        return bytes;
    }

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4, field));

    public ReadOnlySpan<byte> ReadString(string field)
    {
        uint length = ReadUInt32(field);
        if (length > (uint)_rest.Length)
            throw new SshSignatureFormatException(source, $"truncated {field}");
        return ReadBytes((int)length, field);
    }

    /// <summary>A string that must be printable ASCII (algorithm names, namespaces).</summary>
    public string ReadName(string field)
    {
        ReadOnlySpan<byte> bytes = ReadString(field);
        foreach (byte b in bytes)
        {
            if (b is < 0x20 or > 0x7e)
                throw new SshSignatureFormatException(source, $"{field} is not printable text");
        }
        return Encoding.ASCII.GetString(bytes);
    }

    /// <summary>A non-negative <c>mpint</c> as unsigned big-endian bytes without leading zeros.</summary>
    public ReadOnlySpan<byte> ReadUnsignedMpint(string field)
    {
        ReadOnlySpan<byte> bytes = ReadString(field);
        if (bytes.Length > 0 && (bytes[0] & 0x80) != 0)
            throw new SshSignatureFormatException(source, $"{field} is negative");
        return bytes.TrimStart((byte)0);
    }

    public readonly void ExpectEnd(string what)
    {
        if (!_rest.IsEmpty)
            throw new SshSignatureFormatException(source, $"trailing bytes after {what}");
    }
}
