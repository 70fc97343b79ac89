using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Config;

/// <summary>
/// <c>MinVersion=</c>, <c>MaxVersion=</c> and <c>ProtectVersion=</c> as a <c>[Component]</c> section
/// holds them (a <c>[Transfer]</c> section parses the same keys in <see cref="TransferParser"/>), and the
/// check both share: a maximum below the minimum leaves no version to install.
/// </summary>
internal static class VersionBoundSetting
{
    private const int NameMax = 255;

    /// <summary>One bound; an empty value resets it to unset.</summary>
    public static string? Parse(UnitFileEntry e, SpecifierExpander specifiers)
    {
        if (e.Value.Length == 0)
            return null;
        var v = Expand(e, e.Value, specifiers);
        if (!VersionString.IsValid(v))
            throw new ConfigSyntaxException(e.Location, $"{e.Key}= is not a valid version", v);
        return v;
    }

    /// <summary>Adds the versions of one <c>ProtectVersion=</c> line; an empty value clears the list.</summary>
    public static void AppendProtected(UnitFileEntry e, SpecifierExpander specifiers, List<string> versions)
    {
        if (e.Value.Length == 0)
        {
            versions.Clear();
            return;
        }
        if (!ConfigValues.TrySplitWords(e.Value, out var words))
            throw new ConfigSyntaxException(e.Location, $"Failed to split {e.Key}= into words", e.Value);
        foreach (var word in words)
        {
            var v = Expand(e, word, specifiers);
            // %A on a system without IMAGE_VERSION expands to nothing: nothing to protect.
            if (v.Length == 0)
                continue;
            if (!VersionString.IsValid(v))
                throw new ConfigSyntaxException(e.Location, $"{e.Key}= is not a valid version", v);
            if (!versions.Contains(v))
                versions.Add(v);
        }
    }

    /// <summary>Refuses a <c>MaxVersion=</c> older than <c>MinVersion=</c>, naming the line that set the maximum.</summary>
    public static void RequireOrdered(string? min, SourceLocation? minLocation, string? max, SourceLocation? maxLocation)
    {
        if (min is null || max is null || VersionComparer.Compare(max, min) >= 0)
            return;
        var location = maxLocation ?? minLocation ?? throw new ArgumentException("a set bound has a location", nameof(maxLocation));
        throw new ConfigSyntaxException(location, $"MaxVersion= is older than MinVersion={min}", max);
    }

    private static string Expand(UnitFileEntry e, string text, SpecifierExpander specifiers) =>
        specifiers.TryExpand(text, NameMax, out var error)
        ?? throw new ConfigSyntaxException(e.Location, $"Failed to expand specifiers in {e.Key}= ({error})", e.Value);
}
