namespace SysUpdate.Core.Targets;

/// <summary>
/// The mode of a file instance while it is written: owner-only, so that bytes not yet checked against the
/// manifest (a partial the hash refused is kept, as upstream keeps it) are never readable by other users; once
/// verified it gets the mode a plain <c>open(0666)</c> would have given it under this process's umask.
/// </summary>
internal static class PartialFileMode
{
    public const UnixFileMode WhileUnverified = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode CreateMode = (UnixFileMode)0x1B6; // 0666
    private const UnixFileMode FallbackUmask = (UnixFileMode)0x12; // 022, systemd's default for services

    /// <summary>0666 without the umask's bits. The umask is read from <c>/proc/self/status</c>: setting it to read
    /// it back would change it for every thread creating files meanwhile.</summary>
    public static UnixFileMode Verified() => CreateMode & ~ProcessUmask();

    private static UnixFileMode ProcessUmask()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Umask:", StringComparison.Ordinal))
                    return (UnixFileMode)Convert.ToInt32(line["Umask:".Length..].Trim(), 8);
            }
        }
        catch (IOException)
        {
        }
        return FallbackUmask;
    }
}
