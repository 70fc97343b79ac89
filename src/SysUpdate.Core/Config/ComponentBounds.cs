using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Config;

/// <summary>
/// A component's <c>MinVersion=</c>, <c>MaxVersion=</c> and <c>ProtectVersion=</c> hold for each of its
/// transfers: the effective bounds of a transfer are the narrower of its own and the component's, and
/// its protected versions are both lists.
/// </summary>
internal static class ComponentBounds
{
    public static Transfer Apply(Transfer transfer, Component component)
    {
        if (component.MinVersion is null && component.MaxVersion is null && component.ProtectVersions.Count == 0)
            return transfer;
        return transfer with
        {
            MinVersion = Newer(transfer.MinVersion, component.MinVersion),
            MaxVersion = Older(transfer.MaxVersion, component.MaxVersion),
            ProtectVersions = transfer.ProtectVersions.Union(component.ProtectVersions, StringComparer.Ordinal).ToList(),
        };
    }

    private static string? Newer(string? a, string? b) =>
        a is null ? b : b is null ? a : VersionComparer.Compare(a, b) >= 0 ? a : b;

    private static string? Older(string? a, string? b) =>
        a is null ? b : b is null ? a : VersionComparer.Compare(a, b) <= 0 ? a : b;
}
