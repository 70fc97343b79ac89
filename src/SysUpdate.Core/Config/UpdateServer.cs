namespace SysUpdate.Core.Config;

/// <summary>
/// The update server a transfer names with <c>%R</c> in <c>Path=</c> or <c>Mirror=</c> (issue #43456): one base URL that
/// switches every url source written against it between production, CI and a developer's machine. The first of these
/// that is set wins: <c>--server=</c>, <see cref="Variable"/>, <c>Server=</c> in the <c>[Source]</c> section of
/// <c>sysupdate.conf</c> (and its drop-ins). Resolved on first use, so runs whose transfers do not name <c>%R</c> never read
/// <c>sysupdate.conf</c> for it. The value is used without a trailing slash, so <c>Path=%R/os/</c> reads naturally.
/// </summary>
internal sealed class UpdateServer
{
    /// <summary>Named like systemd-sysupdate's own variables (<c>SYSTEMD_SYSUPDATE_NO_VERIFY</c>).</summary>
    public const string Variable = "SYSTEMD_SYSUPDATE_SERVER";

    public const string Section = "Source";

    public const string Key = "Server";

    private readonly Lazy<string?> _value;

    /// <param name="root">Where <c>sysupdate.conf</c> is looked up below.</param>
    /// <param name="fromOption"><c>--server=</c>, or null.</param>
    /// <param name="environment">Environment lookup.</param>
    public UpdateServer(string root, string? fromOption, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _value = new Lazy<string?>(() => Resolve(root, fromOption, environment));
    }

    /// <summary>The base URL without a trailing slash, or null when none is set.</summary>
    /// <exception cref="SysUpdateException">The value set is not an http, https or file URL (names the option, variable or file:line).</exception>
    public string? Value => _value.Value;

    /// <summary>Checks a value as <c>--server=</c> takes it; null when it is usable, else what is wrong.</summary>
    public static string? Problem(string url) =>
        TransferParser.IsSupportedUrl(url) ? null : "not an http://, https:// or file:/// URL";

    private static string? Resolve(string root, string? fromOption, Func<string, string?> environment)
    {
        if (fromOption is not null)
        {
            return Normalize(fromOption) ?? throw new SysUpdateException(
                $"--server={fromOption}: {Problem(fromOption)}; pass the update server's base URL, e.g. --server=https://updates.example.com") { Errno = Errno.EINVAL };
        }
        if (environment(Variable) is { Length: > 0 } text)
        {
            return Normalize(text) ?? throw new SysUpdateException(
                $"{Variable}={text}: {Problem(text)}; set it to the update server's base URL, e.g. https://updates.example.com") { Errno = Errno.EINVAL };
        }
        if (SysUpdateConf.Load(root).Get(Section, Key) is { } entry)
        {
            return Normalize(entry.Value) ?? throw new ConfigSyntaxException(entry.Location,
                $"{Key}= is {Problem(entry.Value)}; set it to the update server's base URL, e.g. {Key}=https://updates.example.com", entry.Value);
        }
        return null;
    }

    private static string? Normalize(string url) => Problem(url) is null ? url.TrimEnd('/') : null;
}
