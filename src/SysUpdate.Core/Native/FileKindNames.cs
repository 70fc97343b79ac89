namespace SysUpdate.Core.Native;

/// <summary>How messages name a <see cref="FileKind"/> ("a FIFO", "a regular file or a block device").</summary>
internal static class FileKindNames
{
    public static string Describe(FileKind kinds)
    {
        var names = new List<string>();
        foreach (FileKind kind in Enum.GetValues<FileKind>())
        {
            if (kind != FileKind.None && kinds.HasFlag(kind))
                names.Add(One(kind));
        }
        return names.Count == 0 ? "of an unknown kind" : string.Join(" or ", names);
    }

    private static string One(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.BlockDevice => "a block device",
        FileKind.CharacterDevice => "a character device",
        FileKind.Fifo => "a FIFO",
        FileKind.Socket => "a socket",
        FileKind.Symlink => "a symbolic link",
        _ => "of an unknown kind",
    };
}
