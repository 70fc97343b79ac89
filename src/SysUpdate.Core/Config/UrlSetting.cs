namespace SysUpdate.Core.Config;

/// <summary>
/// One URL setting line (<c>Documentation=</c>, <c>AppStream=</c>, <c>ChangeLog=</c>), as systemd 262
/// reads it: specifiers expanded in the whole line, which is kept verbatim (never split on spaces);
/// a line that does not expand or is not an http(s) URL is warned about and ignored, not fatal.
/// </summary>
internal static class UrlSetting
{
    /// <summary>The expanded URL, or null (with a warning in <paramref name="diagnostics"/>) when the line is ignored.</summary>
    public static string? TryParse(UnitFileEntry e, SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        var url = specifiers.TryExpand(e.Value, 4095, out _);
        if (url is null)
        {
            diagnostics.Add(new ConfigDiagnostic(e.Location, $"Failed to expand specifiers in {e.Key}=, ignoring: {e.Value}"));
            return null;
        }
        if (!IsHttpUrl(url))
        {
            diagnostics.Add(new ConfigDiagnostic(e.Location, $"{e.Key}= URL is not valid, ignoring: {url}"));
            return null;
        }
        return url;
    }

    /// <summary>Appends the line to <paramref name="list"/>; an empty value clears it.</summary>
    public static void Append(UnitFileEntry e, List<string> list, SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        if (e.Value.Length == 0)
        {
            list.Clear();
            return;
        }
        if (TryParse(e, specifiers, diagnostics) is { } url && !list.Contains(url))
            list.Add(url);
    }

    /// <summary>http:// or https:// with something after it, ASCII without control characters (spaces are allowed, as upstream allows them).</summary>
    internal static bool IsHttpUrl(string url)
    {
        string? scheme = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "http://"
            : url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "https://" : null;
        return scheme is not null && url.Length > scheme.Length && url.All(c => c < 128 && !char.IsControl(c));
    }
}
