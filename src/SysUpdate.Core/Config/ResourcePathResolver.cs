namespace SysUpdate.Core.Config;

/// <summary>
/// Turns a resource's configured <c>Path=</c> into the path to use on this system: below
/// <c>--root</c>, below the ESP / XBOOTLDR for <c>PathRelativeTo=esp|xbootldr|boot</c>
/// (<c>SYSTEMD_ESP_PATH</c> / <c>SYSTEMD_XBOOTLDR_PATH</c> override discovery), or below
/// <c>--transfer-source</c> for <c>explicit</c>. URLs pass through unchanged. Paths below the root are
/// resolved with <see cref="RootedPath"/>: a symlink inside the root never leads out of it.
/// </summary>
internal sealed class ResourcePathResolver
{
    private static readonly string[] EspCandidates = ["/efi", "/boot", "/boot/efi"];

    private readonly string _root;
    private readonly string? _transferSource;
    private readonly Func<string, string?> _environment;

    public ResourcePathResolver(string root, string? transferSource, Func<string, string?>? environment = null)
    {
        _root = root;
        _transferSource = transferSource;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    public string Resolve(Transfer transfer, Resource resource)
    {
        var path = resource.Path ?? throw new InvalidOperationException("Path=auto is resolved by the partition target");
        if (resource.Type.IsUrl())
            return path;
        string relative = path.TrimStart('/');
        if (resource.PathRelativeTo == PathRelativeTo.Explicit)
        {
            string source = _transferSource ?? throw new SysUpdateException(
                $"{transfer.DefinitionPath}: PathRelativeTo=explicit requires --transfer-source= to be specified");
            return relative.Length == 0 ? source : Path.Combine(source, relative);
        }
        string baseInRoot = resource.PathRelativeTo switch
        {
            PathRelativeTo.Root => "/",
            PathRelativeTo.Esp => FindEsp(transfer),
            PathRelativeTo.Xbootldr => FindXbootldr(transfer, required: true)!,
            PathRelativeTo.Boot => FindXbootldr(transfer, required: false) ?? FindEsp(transfer),
            _ => throw new ArgumentOutOfRangeException(nameof(resource)),
        };
        string inRoot = relative.Length == 0 ? baseInRoot : Path.Combine(baseInRoot, relative);
        return RootedPath.Resolve(_root, inRoot);
    }

    /// <returns>The ESP as seen inside the root.</returns>
    private string FindEsp(Transfer transfer)
    {
        if (_environment("SYSTEMD_ESP_PATH") is { Length: > 0 } env)
            return env;
        foreach (var candidate in EspCandidates)
        {
            if (Directory.Exists(RootedPath.Resolve(_root, candidate + "/EFI")))
                return candidate;
        }
        throw new SysUpdateException(
            $"{transfer.DefinitionPath}: no EFI System Partition found below {_root} (looked for /efi, /boot, /boot/efi); mount it or set SYSTEMD_ESP_PATH")
        { Errno = Errno.ENOKEY };
    }

    /// <returns>XBOOTLDR as seen inside the root.</returns>
    private string? FindXbootldr(Transfer transfer, bool required)
    {
        if (_environment("SYSTEMD_XBOOTLDR_PATH") is { Length: > 0 } env)
            return env;
        if (!required)
            return null;
        throw new SysUpdateException(
            $"{transfer.DefinitionPath}: no XBOOTLDR partition found; mount it or set SYSTEMD_XBOOTLDR_PATH")
        { Errno = Errno.ENOKEY };
    }
}
