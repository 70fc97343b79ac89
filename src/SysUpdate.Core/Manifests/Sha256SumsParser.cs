using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SysUpdate.Core.Manifests;

/// <summary>
/// Strict parser for SHA256SUMS manifests as systemd-sysupdate reads them (spec §5.3 steps 3–5): every line is
/// 64 hex digits, a space, a mode character ('*' or ' '), a relative normalized file name and '\n'.
/// </summary>
internal static partial class Sha256SumsParser
{
    private const int DigestHexLength = 64;
    private const int MinimumLineLength = DigestHexLength + 3; // digest, separator, mode, newline
    private const int MaxNameComponentLength = 255;
    private const string BestBeforePrefix = "BEST-BEFORE-";
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>
    /// Parses <paramref name="content"/>. <paramref name="now"/> decides whether BEST-BEFORE markers are stale;
    /// with <paramref name="verifyFreshness"/> false a stale marker is only a warning
    /// (SYSTEMD_SYSUPDATE_VERIFY_FRESHNESS=0). Warnings go to <paramref name="logger"/>.
    /// </summary>
    /// <exception cref="ManifestFormatException">The content breaks the grammar (message names source and line).</exception>
    /// <exception cref="StaleManifestException">A BEST-BEFORE date is past and <paramref name="verifyFreshness"/> is set.</exception>
    public static Manifest Parse(ReadOnlySpan<byte> content, string source, DateTimeOffset now, bool verifyFreshness, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);

        int nul = content.IndexOf((byte)0);
        if (nul >= 0)
            throw new ManifestFormatException(source, LineOf(content, nul), "Manifest file has embedded NUL byte, refusing");
        int invalid = FirstInvalidUtf8(content);
        if (invalid >= 0)
            throw new ManifestFormatException(source, LineOf(content, invalid), "Manifest file is not valid UTF-8, refusing");

        var entries = new List<ManifestEntry>();
        var rollouts = new List<RolloutEntry>();
        DateOnly? bestBefore = null;
        int line = 1;
        ReadOnlySpan<byte> rest = content;
        while (!rest.IsEmpty)
        {
            if (rest.Length < MinimumLineLength)
                throw new ManifestFormatException(source, line, $"Corrupt manifest at line {line}, refusing.");
            if (rest[0] == (byte)'\\')
                throw new ManifestFormatException(source, line, $"File names with escapes not supported in manifest at line {line}, refusing.", Errno.EOPNOTSUPP);

            ReadOnlySpan<byte> digest = rest[..DigestHexLength];
            string sha256 = DecodeDigest(digest, source, line);
            if (rest[DigestHexLength] != (byte)' ')
                throw new ManifestFormatException(source, line, $"Missing space separator at manifest line {line}, refusing.");
            if (rest[DigestHexLength + 1] is not ((byte)'*' or (byte)' '))
                throw new ManifestFormatException(source, line, $"Missing binary/text input marker at manifest line {line}, refusing.");

            ReadOnlySpan<byte> afterMode = rest[(DigestHexLength + 2)..];
            int newline = afterMode.IndexOf((byte)'\n');
            if (newline < 0)
                throw new ManifestFormatException(source, line, $"Truncated manifest file at line {line}, refusing.");
            if (newline == 0)
                throw new ManifestFormatException(source, line, $"Empty filename specified at manifest line {line}, refusing.");

            ReadOnlySpan<byte> nameBytes = afterMode[..newline];
            if (nameBytes.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || nameBytes.Contains((byte)0x7F))
                throw new ManifestFormatException(source, line, $"Filename contains control characters at manifest line {line}, refusing.");
            string? problem = NameProblem(nameBytes);
            if (problem is not null)
                throw new ManifestFormatException(source, line, $"Invalid filename specified at manifest line {line}, refusing. ({problem})");

            string name = Encoding.UTF8.GetString(nameBytes);

            if (RolloutEntry.IsRolloutName(name))
                AddRollout(rollouts, RolloutEntry.Parse(name, source, line), source);
            else if (!TryProcessBestBefore(name, sha256, source, line, now, verifyFreshness, logger, ref bestBefore))
                entries.Add(new ManifestEntry(name, sha256, line));

            rest = afterMode[(newline + 1)..];
            line++;
        }

        return new Manifest(entries, bestBefore) { Rollouts = rollouts };
    }

    /// <summary>Two shares for one version leave the vendor's intent open: refused rather than guessed.</summary>
    private static void AddRollout(List<RolloutEntry> rollouts, RolloutEntry entry, string source)
    {
        if (rollouts.Find(r => r.Version == entry.Version) is { } first)
            throw new ManifestFormatException(source, entry.Line,
                $"Second rollout entry for version '{entry.Version}' (the first is at line {first.Line}); list one share per version, refusing.");
        rollouts.Add(entry);
    }

    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);
    private static readonly SearchValues<byte> DigestWhitespace = SearchValues.Create(" \t\r"u8);

    /// <summary>
    /// The first 64 characters of a line as systemd 262 reads them: hex digits with any whitespace in between skipped,
    /// which must come to exactly 32 bytes ("00…00\t\t" is a 31-byte hash, refused by name, not a crash).
    /// </summary>
    private static string DecodeDigest(ReadOnlySpan<byte> digest, string source, int line)
    {
        Span<byte> hex = stackalloc byte[DigestHexLength];
        int length = 0;
        foreach (byte b in digest)
        {
            if (DigestWhitespace.Contains(b))
                continue;
            if (!HexDigits.Contains(b))
                throw new ManifestFormatException(source, line, $"Failed to parse digest at manifest line {line}, refusing.");
            hex[length++] = b;
        }
        if (length % 2 != 0)
            throw new ManifestFormatException(source, line, $"Failed to parse digest at manifest line {line}, refusing.");
        if (length != DigestHexLength)
            throw new ManifestFormatException(source, line, $"Manifest hash at line {line} decoded to {length / 2} bytes, refusing.");
        return Encoding.ASCII.GetString(hex).ToLowerInvariant();
    }

    /// <summary>Returns why a manifest file name is not a relative, normalized path, or null if it is.</summary>
    private static string? NameProblem(ReadOnlySpan<byte> name)
    {
        if (name[0] == (byte)'/')
            return "absolute path";
        if (name[^1] == (byte)'/')
            return "trailing slash";
        // A URL source fetches <base>/<name> without escaping it, so "%2e%2e" would become ".." on the way:
        // systemd 262 refuses every '%' in a name.
        if (name.Contains((byte)'%'))
            return "'%' (percent-encoding) in file name";
        foreach (Range range in name.Split((byte)'/'))
        {
            ReadOnlySpan<byte> component = name[range];
            if (component.IsEmpty)
                return "empty path component";
            if (component.SequenceEqual("."u8) || component.SequenceEqual(".."u8))
                return "'.' or '..' path component";
            if (component.Length > MaxNameComponentLength)
                return "path component longer than 255 bytes";
        }
        return null;
    }

    /// <summary>
    /// Handles a top-level "BEST-BEFORE-YYYY-MM-DD" marker. Returns true when the line was such a marker (it is then
    /// not a file entry); a marker whose date does not parse stays an ordinary entry, as upstream does.
    /// </summary>
    private static bool TryProcessBestBefore(
        string name, string sha256, string source, int line, DateTimeOffset now, bool verifyFreshness,
        ILogger? logger, ref DateOnly? bestBefore)
    {
        if (!name.StartsWith(BestBeforePrefix, StringComparison.Ordinal))
            return false;

        if (!string.Equals(sha256, EmptySha256, StringComparison.Ordinal) && logger is not null)
            LogUnexpectedMarkerHash(logger, source, line, name);

        if (!TryParseDate(name.AsSpan(BestBeforePrefix.Length), out DateOnly date))
        {
            if (logger is not null)
                LogInvalidMarkerDate(logger, source, line, name);
            return false;
        }

        // Upstream compares midnight UTC of the date with the current time: from that midnight on the list is stale.
        var expiry = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (expiry < now)
        {
            if (verifyFreshness)
                throw new StaleManifestException(source, line, date, now);
            if (logger is not null)
                LogStaleIgnored(logger, source, line, name);
        }

        bestBefore = bestBefore is { } earlier && earlier < date ? earlier : date;
        return true;
    }

    /// <summary>strptime "%Y-%m-%d" over the whole text (1–4 digit year, 1–2 digit month and day), normalized dates only.</summary>
    private static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        int firstDash = text.IndexOf('-');
        if (firstDash < 0)
            return false;
        int secondDash = text[(firstDash + 1)..].IndexOf('-');
        if (secondDash < 0)
            return false;
        secondDash += firstDash + 1;
        if (!TryParseDigits(text[..firstDash], 4, out int year) ||
            !TryParseDigits(text[(firstDash + 1)..secondDash], 2, out int month) ||
            !TryParseDigits(text[(secondDash + 1)..], 2, out int day))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryParseDigits(ReadOnlySpan<char> text, int maxDigits, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits)
            return false;
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> content)
    {
        if (System.Text.Unicode.Utf8.IsValid(content))
            return -1;
        int offset = 0;
        while (offset < content.Length)
        {
            if (Rune.DecodeFromUtf8(content[offset..], out _, out int consumed) != OperationStatus.Done)
                return offset;
            offset += consumed;
        }
        return -1;
    }

    private static int LineOf(ReadOnlySpan<byte> content, int offset) => content[..offset].Count((byte)'\n') + 1;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source}:{Line}: Hash of best before marker file '{Name}' has unexpected value, proceeding anyway.")]
    private static partial void LogUnexpectedMarkerHash(ILogger logger, string source, int line, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source}:{Line}: Found best before marker with an invalid date, ignoring: {Name}")]
    private static partial void LogInvalidMarkerDate(ILogger logger, string source, int line, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source}:{Line}: Best before marker {Name} indicates out-of-date file list, but told to ignore this, hence ignoring.")]
    private static partial void LogStaleIgnored(ILogger logger, string source, int line, string name);
}
