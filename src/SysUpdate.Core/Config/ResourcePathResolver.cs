namespace SysUpdate.Core.Config;

/// <summary>
/// Turns a resource's configured <c>Path=</c> into the path to use on this system: below
/// <c>--root</c>, below the ESP / XBOOTLDR for <c>PathRelativeTo=esp|xbootldr|boot</c>
/// (<c>SYSTEMD_ESP_PATH</c> / <c>SYSTEMD_XBOOTLDR_PATH</c> override discovery), or below
/// <c>--transfer-source</c> for <c>explicit</c>. URLs pass through unchanged.
/// </summary>
internal sealed class ResourcePathResolver
{
    private static readonly string[] EspCandidates = ["efi", "boot", "boot/efi"];

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
        string baseDir = resource.PathRelativeTo switch
        {
            PathRelativeTo.Root => _root,
            PathRelativeTo.Explicit => _transferSource ?? throw new SysUpdateException(
                $"{transfer.DefinitionPath}: PathRelativeTo=explicit requires --transfer-source= to be specified"),
            PathRelativeTo.Esp => FindEsp(transfer),
            PathRelativeTo.Xbootldr => FindXbootldr(transfer, required: true)!,
            PathRelativeTo.Boot => FindXbootldr(transfer, required: false) ?? FindEsp(transfer),
            _ => throw new ArgumentOutOfRangeException(nameof(resource)),
        };
        return relative.Length == 0 ? baseDir : Path.Combine(baseDir, relative);
    }

    private string Rooted(string path) => _root == "/" ? path : Path.Combine(_root, path.TrimStart('/'));

    private string FindEsp(Transfer transfer)
    {
        if (_environment("SYSTEMD_ESP_PATH") is { Length: > 0 } env)
            return Rooted(env);
        foreach (var candidate in EspCandidates.Select(c => Path.Combine(_root, c)))
        {
            if (Directory.Exists(Path.Combine(candidate, "EFI")))
                return candidate;
        }
        throw new SysUpdateException(
            $"{transfer.DefinitionPath}: no EFI System Partition found below {_root} (looked for /efi, /boot, /boot/efi); mount it or set SYSTEMD_ESP_PATH")
        { ErrnoName = "ENOKEY" };
    }

    private string? FindXbootldr(Transfer transfer, bool required)
    {
        if (_environment("SYSTEMD_XBOOTLDR_PATH") is { Length: > 0 } env)
            return Rooted(env);
        if (!required)
            return null;
        throw new SysUpdateException(
            $"{transfer.DefinitionPath}: no XBOOTLDR partition found; mount it or set SYSTEMD_XBOOTLDR_PATH")
        { ErrnoName = "ENOKEY" };
    }
}
