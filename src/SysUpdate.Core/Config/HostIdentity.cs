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
    private readonly Lazy<IReadOnlyDictionary<string, string>> _osRelease;

    public HostIdentity(string root)
    {
        _root = root;
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
