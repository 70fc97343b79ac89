using System.Runtime.InteropServices;

namespace SysUpdate.Core.Config;

/// <summary>
/// Facts about the system a root directory holds (os-release, machine id) and about the running host
/// (architecture, boot id, host name, kernel), read lazily: a <c>check-new</c> that never expands
/// <c>%A</c> never opens os-release.
/// </summary>
internal sealed class HostIdentity
{
    private readonly string _root;
    private readonly string _hostRoot;
    private readonly Lazy<IReadOnlyDictionary<string, string>> _osRelease;

    /// <param name="root">Where definitions, os-release and the machine id are read (<c>--root</c>).</param>
    /// <param name="hostRoot">Where the running host's own files are read (machine-info, firmware in
    /// /sys): always "/" in the product, a directory in tests. Like systemd's conditions they describe
    /// the running machine, not the tree <c>--root</c> names.</param>
    public HostIdentity(string root, string hostRoot = "/")
    {
        _root = root;
        _hostRoot = hostRoot;
        _osRelease = new Lazy<IReadOnlyDictionary<string, string>>(ReadOsRelease);
    }

    /// <summary>The root directory definitions and os-release are read from ("/" for the host).</summary>
    public string Root => _root;

    public static string Architecture => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86-64",
        System.Runtime.InteropServices.Architecture.X86 => "x86",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.LoongArch64 => "loongarch64",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64-le",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        _ => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
    };

    /// <summary>A field of os-release (<c>/etc/os-release</c>, else <c>/usr/lib/os-release</c>, below the root).</summary>
    public string? OsRelease(string field) => _osRelease.Value.TryGetValue(field, out var v) ? v : null;

    public string? MachineId => ReadFirstLine(Combine("etc/machine-id"));

    /// <summary>The machine's tags: <c>TAGS=</c> of the host's <c>/etc/machine-info</c>, colon-separated.</summary>
    public IReadOnlyList<string> MachineTags
    {
        get
        {
            string text;
            try
            {
                text = File.ReadAllText(HostPath("etc/machine-info"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return [];
            }
            return OsReleaseParser.Parse(text).TryGetValue("TAGS", out var tags)
                ? tags.Split(':', StringSplitOptions.RemoveEmptyEntries)
                : [];
        }
    }

    /// <summary>A path of the running host (not below <c>--root</c>).</summary>
    public string HostPath(string relative) => Path.Combine(_hostRoot, relative);

    public static string? BootId => ReadFirstLine("/proc/sys/kernel/random/boot_id")?.Replace("-", "", StringComparison.Ordinal);

    public static string? KernelRelease => ReadFirstLine("/proc/sys/kernel/osrelease");

    public static string HostName => Environment.MachineName;

    private string Combine(string relative) => Path.Combine(_root, relative);

    private static string? ReadFirstLine(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return reader.ReadLine()?.Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private IReadOnlyDictionary<string, string> ReadOsRelease()
    {
        foreach (var candidate in new[] { Combine("etc/os-release"), Combine("usr/lib/os-release") })
        {
            if (File.Exists(candidate))
                return OsReleaseParser.Parse(File.ReadAllText(candidate));
        }
        return new Dictionary<string, string>();
    }
}
