using System.Globalization;
using System.Text;
using SysUpdate.Core.Config;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// Parses an <c>allowed_signers</c> file as ssh-keygen(1) documents it: per line the principals, optional
/// options (<c>namespaces="…"</c>, <c>valid-after="…"</c>, <c>valid-before="…"</c>, <c>cert-authority</c>), the key
/// type and the base64 key, then an ignored comment; <c>#</c> lines and blank lines are skipped. A
/// <c>cert-authority</c> line is skipped with a diagnostic: manifest signatures are checked against plain keys only.
/// Any other line that cannot be used is refused with its file:line.
/// </summary>
internal static class AllowedSignersFile
{
    /// <exception cref="ConfigSyntaxException">A malformed line, an unknown option, or a key type not supported here.</exception>
    public static IReadOnlyList<AllowedSigner> Parse(string path, string text, ICollection<ConfigDiagnostic> diagnostics)
    {
        var signers = new List<AllowedSigner>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var location = new SourceLocation(path, i + 1);
            string line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            if (ParseLine(line, location, diagnostics) is { } signer)
                signers.Add(signer);
        }
        return signers;
    }

    private static AllowedSigner? ParseLine(string line, SourceLocation location, ICollection<ConfigDiagnostic> diagnostics)
    {
        var tokens = new LineTokens(line);
        string principals = tokens.Next() ?? throw new ConfigSyntaxException(location, "missing principals", line);
        string typeOrOptions = tokens.Next() ?? throw new ConfigSyntaxException(location, "missing key type and key", line);

        string? namespaces = null;
        DateTimeOffset? validAfter = null;
        DateTimeOffset? validBefore = null;
        string type = typeOrOptions;
        if (IsOptions(typeOrOptions))
        {
            foreach (string option in SplitOptions(typeOrOptions, location))
            {
                int eq = option.IndexOf('=', StringComparison.Ordinal);
                string name = (eq < 0 ? option : option[..eq]).ToLowerInvariant();
                string value = eq < 0 ? "" : Unquote(option[(eq + 1)..]);
                switch (name)
                {
                    case "cert-authority" when eq < 0:
                        diagnostics.Add(new ConfigDiagnostic(location,
                            "cert-authority keys are not supported for manifest signatures, ignoring this line; list the signing keys themselves"));
                        return null;
                    case "namespaces" when eq >= 0 && value.Length > 0:
                        namespaces = value;
                        break;
                    case "valid-after" when eq >= 0:
                        validAfter = ParseTime(value, location);
                        break;
                    case "valid-before" when eq >= 0:
                        validBefore = ParseTime(value, location);
                        break;
                    default:
                        throw new ConfigSyntaxException(location,
                            "unknown or malformed option (supported: namespaces=\"…\", valid-after=\"…\", valid-before=\"…\", cert-authority)", option);
                }
            }
            type = tokens.Next() ?? throw new ConfigSyntaxException(location, "missing key type and key", line);
        }

        string base64 = tokens.Next() ?? throw new ConfigSyntaxException(location, "missing base64 key after the key type", line);
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new ConfigSyntaxException(location, "the key is not valid base64", base64);
        }

        SshPublicKey? key;
        try
        {
            key = SshPublicKey.Parse(blob, location.ToString());
        }
        catch (SshSignatureFormatException)
        {
            throw new ConfigSyntaxException(location, "the key is not a valid SSH public key", base64);
        }
        if (key is null)
            throw new ConfigSyntaxException(location,
                "key type not supported for manifest signatures (supported: ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa of 2048 bits or more)", type);
        if (key.Type != type)
            throw new ConfigSyntaxException(location, $"the key is of type {key.Type}, not the type written before it", type);
        return new AllowedSigner(principals, key, namespaces, validAfter, validBefore, location);
    }

    private static bool IsOptions(string token) =>
        token.Contains('=', StringComparison.Ordinal) || token.StartsWith("cert-authority", StringComparison.OrdinalIgnoreCase);

    /// <summary>Splits at commas outside double quotes.</summary>
    private static List<string> SplitOptions(string text, SourceLocation location)
    {
        var options = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        foreach (char c in text)
        {
            if (c == '"')
                quoted = !quoted;
            if (c == ',' && !quoted)
            {
                options.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        if (quoted)
            throw new ConfigSyntaxException(location, "unterminated quote in options", text);
        options.Add(current.ToString());
        return options;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    /// <summary>YYYYMMDD[HHMM[SS]], local time unless it ends in Z, as ssh-keygen reads it.</summary>
    private static DateTimeOffset ParseTime(string value, SourceLocation location)
    {
        bool utc = value.EndsWith('Z') || value.EndsWith('z');
        string digits = utc ? value[..^1] : value;
        string? format = digits.Length switch
        {
            8 => "yyyyMMdd",
            12 => "yyyyMMddHHmm",
            14 => "yyyyMMddHHmmss",
            _ => null,
        };
        if (format is null || !DateTime.TryParseExact(digits, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime time))
            throw new ConfigSyntaxException(location, "time is not YYYYMMDD[HHMM[SS]][Z]", value);
        return utc
            ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
            : new DateTimeOffset(time, TimeZoneInfo.Local.GetUtcOffset(time));
    }

    /// <summary>Whitespace-separated tokens, where double quotes keep whitespace inside a token.</summary>
    private ref struct LineTokens(string line)
    {
        private int _position;

        public string? Next()
        {
            while (_position < line.Length && char.IsWhiteSpace(line[_position]))
                _position++;
            if (_position == line.Length)
                return null;
            int start = _position;
            bool quoted = false;
            while (_position < line.Length && (quoted || !char.IsWhiteSpace(line[_position])))
            {
                if (line[_position] == '"')
                    quoted = !quoted;
                _position++;
            }
            string token = line[start.._position];
            return token;
        }
    }
}
