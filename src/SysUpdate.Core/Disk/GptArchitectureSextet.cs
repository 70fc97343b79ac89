namespace SysUpdate.Core.Disk;

/// <summary>The six per-architecture partition types of the Discoverable Partitions Specification.</summary>
internal sealed record GptArchitectureSextet(
    string Architecture,
    Guid Root,
    Guid RootVerity,
    Guid RootVeritySig,
    Guid Usr,
    Guid UsrVerity,
    Guid UsrVeritySig)
{
    public GptArchitectureSextet(string architecture, string root, string rootVerity, string rootVeritySig, string usr, string usrVerity, string usrVeritySig)
        : this(architecture, Guid.Parse(root), Guid.Parse(rootVerity), Guid.Parse(rootVeritySig), Guid.Parse(usr), Guid.Parse(usrVerity), Guid.Parse(usrVeritySig))
    {
    }

    /// <summary>The six entries, named <c>{prefix}-{suffix}</c> in systemd's order ("root-x86-64-verity").</summary>
    public IEnumerable<GptPartitionTypeEntry> Entries(string name, string? architecture)
    {
        string Join(string kind, string suffix) => name.Length == 0 ? kind + suffix : $"{kind}-{name}{suffix}";

        yield return new(Join("root", string.Empty), Root, GptPartitionDesignator.Root, architecture);
        yield return new(Join("root", "-verity"), RootVerity, GptPartitionDesignator.RootVerity, architecture);
        yield return new(Join("root", "-verity-sig"), RootVeritySig, GptPartitionDesignator.RootVeritySig, architecture);
        yield return new(Join("usr", string.Empty), Usr, GptPartitionDesignator.Usr, architecture);
        yield return new(Join("usr", "-verity"), UsrVerity, GptPartitionDesignator.UsrVerity, architecture);
        yield return new(Join("usr", "-verity-sig"), UsrVeritySig, GptPartitionDesignator.UsrVeritySig, architecture);
    }
}
