using System.Security.Cryptography;
using System.Text;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// A <c>--root</c> tree for the operations fault tests: a <c>url-file</c> transfer reading a
/// <c>file://</c> directory of <c>app-VERSION.bin</c> files with a <c>SHA256SUMS</c>, installing into
/// <c>/opt/app</c> below the root. Each test gets its own tree, so the install database, the
/// verdict store and the run locks (keyed by the target directory's inode) are its own too.
/// </summary>
internal sealed class OperationsRoot : IDisposable
{
    private readonly TempDirectory _tmp = new("sysupdate-ops-");
    private readonly Dictionary<string, byte[]> _published = new(StringComparer.Ordinal);

    public OperationsRoot(int instancesMax = 3)
    {
        Root = _tmp.Dir("root");
        Source = _tmp.Dir("source");
        Definitions = _tmp.Dir("root", "etc", "sysupdate.d");
        WriteTransfer("10-app.transfer", $"""
            [Source]
            Type=url-file
            Path=file://{Source}
            MatchPattern=app-@v.bin

            [Target]
            Type=regular-file
            Path=/opt/app
            MatchPattern=app_@v.bin
            InstancesMax={instancesMax}
            """);
    }

    public string Root { get; }

    /// <summary>The published directory (outside the root, reached through its file:// URL).</summary>
    public string Source { get; }

    public string Definitions { get; }

    public string TargetDirectory => Path.Combine(Root, "opt", "app");

    public string Installed(string version) => Path.Combine(TargetDirectory, $"app_{version}.bin");

    public string Partial(string version) => Path.Combine(TargetDirectory, $".sysupdate.partial.app_{version}.bin");

    public string Scratch(params string[] parts) => _tmp.Dir(parts);

    public void WriteTransfer(string name, string text) => File.WriteAllText(Path.Combine(Definitions, name), text + "\n");

    /// <summary>Publishes a version with distinct content and rewrites the manifest.</summary>
    public byte[] Publish(string version, int size = 64 * 1024)
    {
        var bytes = new byte[size];
        new Random(version.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
        Encoding.ASCII.GetBytes(version).CopyTo(bytes, 0);
        File.WriteAllBytes(Path.Combine(Source, $"app-{version}.bin"), bytes);
        _published[version] = bytes;
        WriteManifest();
        return bytes;
    }

    public byte[] PublishedBytes(string version) => _published[version];

    /// <summary>Changes the published bytes of <paramref name="version"/> without changing the manifest.</summary>
    public void Tamper(string version)
    {
        string path = Path.Combine(Source, $"app-{version}.bin");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    public void WriteManifest()
    {
        var text = new StringBuilder();
        foreach (var (version, bytes) in _published.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append(" *app-").Append(version).Append(".bin\n");
        File.WriteAllText(Path.Combine(Source, "SHA256SUMS"), text.ToString());
    }

    public void Dispose() => _tmp.Dispose();
}
