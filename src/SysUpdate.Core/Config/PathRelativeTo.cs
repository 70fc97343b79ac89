namespace SysUpdate.Core.Config;

/// <summary>What a resource's <c>Path=</c> is relative to (<c>PathRelativeTo=</c>).</summary>
internal enum PathRelativeTo
{
    Root,
    Esp,
    Xbootldr,
    Boot,
    Explicit,
}

internal static class PathRelativeToValues
{
    public static bool TryParse(string text, out PathRelativeTo value)
    {
        PathRelativeTo? parsed = text switch
        {
            "root" => PathRelativeTo.Root,
            "esp" => PathRelativeTo.Esp,
            "xbootldr" => PathRelativeTo.Xbootldr,
            "boot" => PathRelativeTo.Boot,
            "explicit" => PathRelativeTo.Explicit,
            _ => null,
        };
        value = parsed ?? default;
        return parsed.HasValue;
    }

    public static string ToConfigString(this PathRelativeTo value) => value switch
    {
        PathRelativeTo.Root => "root",
        PathRelativeTo.Esp => "esp",
        PathRelativeTo.Xbootldr => "xbootldr",
        PathRelativeTo.Boot => "boot",
        PathRelativeTo.Explicit => "explicit",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };
}
