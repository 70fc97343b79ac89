using System.Globalization;
using System.Text;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// How far an interrupted raw download into a partition slot got: the first <see cref="Bytes"/> bytes of the payload
/// published at <see cref="Url"/> (SHA-256 <see cref="Sha256"/>, <see cref="Length"/> bytes in all when the server said)
/// are in <see cref="Slot"/> and were fsynced before this record was written. The next run that claims the same slot for
/// the same payload re-hashes them and asks for the rest with Range and If-Range (<see cref="Validator"/>).
/// </summary>
internal sealed record SlotResumeRecord(SlotIdentity Slot, string Url, string Sha256, string? Validator, long? Length, long Bytes)
{
    /// <summary>Whether this record is about <paramref name="slot"/> and the payload at <paramref name="url"/> with
    /// <paramref name="sha256"/>.</summary>
    public bool Describes(SlotIdentity slot, string url, string sha256) =>
        Slot == slot && Url == url && string.Equals(Sha256, sha256, StringComparison.OrdinalIgnoreCase);

    /// <summary>The record as <c>key=value</c> lines; null if a value cannot be written that way (a line break in it).</summary>
    public string? Format()
    {
        if (HasLineBreak(Slot.Disk) || HasLineBreak(Url) || HasLineBreak(Sha256) || HasLineBreak(Validator))
            return null;
        return string.Create(CultureInfo.InvariantCulture, $"""
            disk={Slot.Disk}
            partition={Slot.Partition}
            uuid={Slot.Uuid:D}
            start={Slot.StartBytes}
            size={Slot.SizeBytes}
            url={Url}
            sha256={Sha256}
            validator={Validator}
            length={Length}
            bytes={Bytes}

            """);
    }

    private static bool HasLineBreak(string? value) => value is not null && value.AsSpan().IndexOfAny('\n', '\r') >= 0;

    /// <summary>Reads what <see cref="Format"/> wrote; null for anything else (a torn or foreign file is no record).</summary>
    public static SlotResumeRecord? Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !values.TryAdd(line[..eq], line[(eq + 1)..]))
                return null;
        }
        if (!values.TryGetValue("disk", out string? disk) || disk.Length == 0
            || !TryInt(values, "partition", out long partition) || partition is < 1 or > int.MaxValue
            || !values.TryGetValue("uuid", out string? uuidText) || !Guid.TryParseExact(uuidText, "D", out Guid uuid)
            || !TryInt(values, "start", out long start) || !TryInt(values, "size", out long size)
            || !values.TryGetValue("url", out string? url) || url.Length == 0
            || !values.TryGetValue("sha256", out string? sha256) || sha256.Length != 64
            || !values.TryGetValue("validator", out string? validator)
            || !values.TryGetValue("length", out string? lengthText)
            || !TryInt(values, "bytes", out long bytes) || bytes > size)
            return null;
        long? length = null;
        if (lengthText.Length > 0)
        {
            if (!long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out long known) || bytes > known)
                return null;
            length = known;
        }
        return new SlotResumeRecord(new SlotIdentity(disk, (int)partition, uuid, start, size), url, sha256,
            validator.Length == 0 ? null : validator, length, bytes);
    }

    private static bool TryInt(Dictionary<string, string> values, string key, out long value)
    {
        value = 0;
        return values.TryGetValue(key, out string? text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The file name of a slot's record: the SHA-256 of its identity, so any disk name fits.</summary>
    public static string FileNameOf(SlotIdentity slot) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{slot.Disk}\n{slot.Partition}\n{slot.Uuid:D}\n{slot.StartBytes}\n{slot.SizeBytes}"))));
}
