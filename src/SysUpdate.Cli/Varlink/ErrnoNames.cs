namespace SysUpdate.Cli.Varlink;

/// <summary>The errno numbers (Linux) of the names the engine reports, for <c>io.systemd.System</c> errors.</summary>
internal static class ErrnoNames
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["EPERM"] = 1, ["ENOENT"] = 2, ["EIO"] = 5, ["ENXIO"] = 6, ["EACCES"] = 13, ["EBUSY"] = 16,
        ["EEXIST"] = 17, ["ENODEV"] = 19, ["EINVAL"] = 22, ["EFBIG"] = 27, ["ENOSPC"] = 28, ["ERANGE"] = 34,
        ["ENODATA"] = 61, ["ETIME"] = 62, ["EPROTO"] = 71, ["EBADMSG"] = 74, ["EOPNOTSUPP"] = 95,
        ["ECONNREFUSED"] = 111, ["ETIMEDOUT"] = 110, ["EHOSTDOWN"] = 112, ["EALREADY"] = 114,
        ["ESTALE"] = 116, ["EUCLEAN"] = 117, ["ECANCELED"] = 125, ["EKEYREJECTED"] = 129,
    };

    /// <summary>The number and name of <paramref name="name"/>; unknown or missing names become EIO.</summary>
    public static (int Errno, string Name) Resolve(string? name) =>
        name is not null && Numbers.TryGetValue(name, out int number) ? (number, name) : (5, "EIO");
}
