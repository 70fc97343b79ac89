using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Instances;

/// <summary>Sorting and lookup of instances as upstream does it: newest first by
/// <c>strverscmp_improved</c>, ties by path; lookup by version compares equal by that order.</summary>
internal static class InstanceOrder
{
    public static List<Instance> NewestFirst(IEnumerable<Instance> instances)
    {
        var list = instances.ToList();
        list.Sort((a, b) =>
        {
            int c = VersionComparer.Compare(b.Version, a.Version);
            return c != 0 ? c : string.CompareOrdinal(a.Path, b.Path);
        });
        return list;
    }

    public static Instance? FindByVersion(IReadOnlyList<Instance> newestFirst, string version) =>
        newestFirst.FirstOrDefault(i => VersionComparer.Compare(i.Version, version) == 0);
}
