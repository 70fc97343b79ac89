using System.Globalization;

namespace SysUpdate.Core.Versions;

/// <summary>
/// The <c>@X</c> fields of a <see cref="MatchPattern"/>: which letters exist, how captured text is
/// parsed into <see cref="InstanceMetadata"/> and how a value is written back (systemd's
/// <c>pattern_match()</c>/<c>pattern_format()</c> rules).
/// </summary>
internal static class PatternField
{
    /// <summary>All field letters, in systemd's order.</summary>
    public const string Markers = "vuftmsdlargh";

    private const ulong MicrosecondsPerSecond = 1_000_000;

    /// <summary>Mode bits a pattern may carry: no world-writable, no setuid/setgid/sticky.</summary>
    private const uint AllowedModeBits = 0x1FD; // 0775

    private const uint MaxModeValue = 0xFFF; // 07777, the limit of systemd's parse_mode()

    public static bool IsKnown(char marker) => Markers.Contains(marker, StringComparison.Ordinal);

    /// <summary>A human name for the field, for messages.</summary>
    public static string Describe(char marker) => marker switch
    {
        'v' => "version",
        'u' => "partition UUID",
        'f' => "partition flags",
        't' => "modification time",
        'm' => "file mode",
        's' => "size",
        'd' => "tries done",
        'l' => "tries left",
        'a' => "no-auto flag",
        'r' => "read-only flag",
        'g' => "growfs flag",
        'h' => "SHA-256 hash",
        _ => throw new ArgumentOutOfRangeException(nameof(marker), marker, "Unknown pattern field marker."),
    };

    /// <summary>
    /// Parses <paramref name="text"/> captured for field <paramref name="marker"/> and stores it in
    /// <paramref name="metadata"/>. False if the text is not acceptable for the field.
    /// </summary>
    public static bool TryParse(char marker, string text, ref InstanceMetadata metadata)
    {
        switch (marker)
        {
            case 'v':
                if (!VersionString.IsValid(text))
                {
                    return false;
                }

                metadata = metadata with { Version = text };
                return true;

            case 'u':
                if (!TryParseId128(text, out Guid uuid))
                {
                    return false;
                }

                metadata = metadata with { PartitionUuid = uuid };
                return true;

            case 'f':
                if (!TryParseUInt64(text, 16, out ulong flags))
                {
                    return false;
                }

                metadata = metadata with { PartitionFlags = flags };
                return true;

            case 't':
                // UINT64_MAX is systemd's "infinity"; the seconds must fit a (64-bit) time_t.
                if (!TryParseUInt64(text, 10, out ulong mtime) || mtime == ulong.MaxValue ||
                    mtime / MicrosecondsPerSecond > long.MaxValue)
                {
                    return false;
                }

                metadata = metadata with { MtimeMicroseconds = mtime };
                return true;

            case 'm':
                if (!TryParseUInt64(text, 8, out ulong mode) || mode > MaxModeValue || (mode & ~(ulong)AllowedModeBits) != 0)
                {
                    return false;
                }

                metadata = metadata with { Mode = (uint)mode };
                return true;

            case 's':
                if (!TryParseUInt64(text, 10, out ulong size) || size == ulong.MaxValue)
                {
                    return false;
                }

                metadata = metadata with { Size = size };
                return true;

            case 'd':
                if (!TryParseUInt64(text, 10, out ulong done) || done == ulong.MaxValue)
                {
                    return false;
                }

                metadata = metadata with { TriesDone = done };
                return true;

            case 'l':
                if (!TryParseUInt64(text, 10, out ulong left) || left == ulong.MaxValue)
                {
                    return false;
                }

                metadata = metadata with { TriesLeft = left };
                return true;

            case 'a':
                if (!TryParseBoolean(text, out bool noAuto))
                {
                    return false;
                }

                metadata = metadata with { NoAuto = noAuto };
                return true;

            case 'r':
                if (!TryParseBoolean(text, out bool readOnly))
                {
                    return false;
                }

                metadata = metadata with { ReadOnly = readOnly };
                return true;

            case 'g':
                if (!TryParseBoolean(text, out bool growFs))
                {
                    return false;
                }

                metadata = metadata with { GrowFileSystem = growFs };
                return true;

            case 'h':
                if (text.Length != 64 || !IsHex(text))
                {
                    return false;
                }

                metadata = metadata with { Sha256 = text.ToLowerInvariant() };
                return true;

            default:
                throw new ArgumentOutOfRangeException(nameof(marker), marker, "Unknown pattern field marker.");
        }
    }

    /// <summary>
    /// The text field <paramref name="marker"/> is written as, or null when
    /// <paramref name="metadata"/> has no value for it.
    /// </summary>
    public static string? Format(char marker, InstanceMetadata metadata)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        return marker switch
        {
            'v' => metadata.Version,
            'u' => metadata.PartitionUuid?.ToString("N", inv),
            'f' => metadata.PartitionFlags?.ToString("x", inv),
            't' => metadata.MtimeMicroseconds?.ToString(inv),
            'm' => metadata.Mode is uint mode ? Convert.ToString(mode, 8).PadLeft(3, '0') : null,
            's' => metadata.Size?.ToString(inv),
            'd' => metadata.TriesDone?.ToString(inv),
            'l' => metadata.TriesLeft?.ToString(inv),
            'a' => FormatBoolean(metadata.NoAuto),
            'r' => FormatBoolean(metadata.ReadOnly),
            'g' => FormatBoolean(metadata.GrowFileSystem),
            'h' => FormatSha256(metadata.Sha256),
            _ => throw new ArgumentOutOfRangeException(nameof(marker), marker, "Unknown pattern field marker."),
        };
    }

    /// <summary>
    /// systemd's <c>sd_id128_from_string()</c>: 32 hex digits, or the dashed 8-4-4-4-12 form;
    /// either case. The bytes are taken in textual order, as <see cref="Guid"/>'s text forms do.
    /// </summary>
    private static bool TryParseId128(string text, out Guid uuid)
    {
        uuid = Guid.Empty;
        if (text.Length == 32)
        {
            if (!IsHex(text))
            {
                return false;
            }

            uuid = Guid.ParseExact(text, "N");
            return true;
        }

        if (text.Length == 36)
        {
            for (int i = 0; i < text.Length; i++)
            {
                bool dash = i is 8 or 13 or 18 or 23;
                if (dash ? text[i] != '-' : !char.IsAsciiHexDigit(text[i]))
                {
                    return false;
                }
            }

            uuid = Guid.ParseExact(text, "D");
            return true;
        }

        return false;
    }

    /// <summary>
    /// A non-empty run of digits of <paramref name="radix"/> (8, 10 or 16) that fits 64 bits. Signs,
    /// white space and base prefixes are refused.
    /// </summary>
    private static bool TryParseUInt64(string text, int radix, out ulong value)
    {
        value = 0;
        if (text.Length == 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => int.MaxValue,
            };

            if (digit >= radix)
            {
                return false;
            }

            if (value > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                return false;
            }

            value = (value * (ulong)radix) + (ulong)digit;
        }

        return true;
    }

    /// <summary>systemd's <c>parse_boolean()</c> spellings, ASCII case-insensitive.</summary>
    private static bool TryParseBoolean(string text, out bool value)
    {
        foreach (string yes in (ReadOnlySpan<string>)["1", "yes", "y", "true", "t", "on"])
        {
            if (System.Text.Ascii.EqualsIgnoreCase(text, yes))
            {
                value = true;
                return true;
            }
        }

        foreach (string no in (ReadOnlySpan<string>)["0", "no", "n", "false", "f", "off"])
        {
            if (System.Text.Ascii.EqualsIgnoreCase(text, no))
            {
                value = false;
                return true;
            }
        }

        value = false;
        return false;
    }

    private static string? FormatBoolean(bool? value) => value switch
    {
        true => "1",
        false => "0",
        null => null,
    };

    private static string? FormatSha256(string? sha256)
    {
        if (sha256 is null)
        {
            return null;
        }

        if (sha256.Length != 64 || !IsHex(sha256))
        {
            throw new ArgumentException($"InstanceMetadata.Sha256 must be 64 hex digits, got '{sha256}'.", nameof(sha256));
        }

        return sha256.ToLowerInvariant();
    }

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
