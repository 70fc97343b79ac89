using System.Text;

namespace SysUpdate.Core.Config;

/// <summary>
/// Expands the <c>%</c> specifiers systemd allows in transfer files (its "system and tmp" table):
/// <c>%a %A %b %B %H %l %m %M %o %v %w %W %T %V %%</c>, and ours: <c>%R</c>, the update server (<see cref="UpdateServer"/>;
/// a letter no systemd specifier table uses). Unrelated to the <c>@</c> fields of patterns.
/// </summary>
internal sealed class SpecifierExpander
{
    /// <summary>The update server's specifier letter.</summary>
    public const char ServerSpecifier = 'R';

    private readonly HostIdentity _host;
    private readonly UpdateServer? _server;

    public SpecifierExpander(HostIdentity host, UpdateServer? server = null)
    {
        _host = host;
        _server = server;
    }

    /// <summary>Returns the expanded text, or null with <paramref name="error"/> set when a specifier is
    /// unknown, its value is unavailable, or the result exceeds <paramref name="maxLength"/>.</summary>
    public string? TryExpand(string text, int maxLength, out string? error)
    {
        error = null;
        if (!text.Contains('%', StringComparison.Ordinal))
            return CheckLength(text, maxLength, ref error);

        var sb = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                sb.Append(text[i]);
                continue;
            }
            if (i + 1 >= text.Length)
            {
                error = "Trailing '%' without a specifier";
                return null;
            }
            char s = text[++i];
            string? value = s switch
            {
                '%' => "%",
                'a' => HostIdentity.Architecture,
                'A' => _host.OsRelease("IMAGE_VERSION") ?? "",
                'b' => HostIdentity.BootId,
                'B' => _host.OsRelease("BUILD_ID") ?? "",
                'H' => HostIdentity.HostName,
                'l' => HostIdentity.HostName.Split('.')[0],
                'm' => _host.MachineId,
                'M' => _host.OsRelease("IMAGE_ID") ?? "",
                'o' => _host.OsRelease("ID") ?? "",
                'v' => HostIdentity.KernelRelease,
                'w' => _host.OsRelease("VERSION_ID") ?? "",
                'W' => _host.OsRelease("VARIANT_ID") ?? "",
                'T' => Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } t ? t : "/tmp",
                'V' => Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } v ? v : "/var/tmp",
                ServerSpecifier => _server?.Value,
                _ => null,
            };
            if (value is null)
            {
                error = s switch
                {
                    'a' or 'b' or 'm' or 'v' => $"Specifier '%{s}' has no value on this system",
                    ServerSpecifier => $"Specifier '%{ServerSpecifier}' names the update server, and none is set: add {UpdateServer.Key}=URL to the [{UpdateServer.Section}] section of /etc/systemd/sysupdate.conf, or pass --server=URL or {UpdateServer.Variable}=URL",
                    _ => $"Unknown specifier '%{s}'",
                };
                return null;
            }
            sb.Append(value);
        }
        return CheckLength(sb.ToString(), maxLength, ref error);
    }

    private static string? CheckLength(string text, int maxLength, ref string? error)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxLength)
            return text;
        error = $"Value is longer than {maxLength} bytes";
        return null;
    }
}
