namespace SysUpdate.Core.Config;

/// <summary>The kinds of place a version can come from or go to (<c>Type=</c>).</summary>
internal enum ResourceType
{
    UrlFile,
    UrlTar,
    Tar,
    Partition,
    RegularFile,
    Directory,
    Subvolume,
}

internal static class ResourceTypes
{
    public static bool TryParse(string text, out ResourceType type)
    {
        ResourceType? parsed = text switch
        {
            "url-file" => ResourceType.UrlFile,
            "url-tar" => ResourceType.UrlTar,
            "tar" => ResourceType.Tar,
            "partition" => ResourceType.Partition,
            "regular-file" => ResourceType.RegularFile,
            "directory" => ResourceType.Directory,
            "subvolume" => ResourceType.Subvolume,
            _ => null,
        };
        type = parsed ?? default;
        return parsed.HasValue;
    }

    public static string ToConfigString(this ResourceType type) => type switch
    {
        ResourceType.UrlFile => "url-file",
        ResourceType.UrlTar => "url-tar",
        ResourceType.Tar => "tar",
        ResourceType.Partition => "partition",
        ResourceType.RegularFile => "regular-file",
        ResourceType.Directory => "directory",
        ResourceType.Subvolume => "subvolume",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool IsSource(this ResourceType type) => type is not ResourceType.Partition;

    public static bool IsTarget(this ResourceType type) =>
        type is ResourceType.Partition or ResourceType.RegularFile or ResourceType.Directory or ResourceType.Subvolume;

    public static bool IsUrl(this ResourceType type) => type is ResourceType.UrlFile or ResourceType.UrlTar;

    public static bool IsFileSystem(this ResourceType type) =>
        type is ResourceType.Tar or ResourceType.RegularFile or ResourceType.Directory or ResourceType.Subvolume;

    /// <summary>Whether instances are directory trees (as opposed to single files or partitions).</summary>
    public static bool HoldsDirectories(this ResourceType type) =>
        type is ResourceType.Directory or ResourceType.Subvolume;
}
