using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>
/// A small OS tree as a url-tar source publishes it: a few directories and files of random bytes,
/// packed as a PAX tarball, with a digest over (path, kind, bytes) to compare an extracted tree with.
/// </summary>
internal sealed class TarTree
{
    private readonly SortedDictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public TarTree(string version, int payloadBytes)
    {
        _files["etc/os-release"] = Encoding.UTF8.GetBytes($"ID=fault\nIMAGE_VERSION={version}\n");
        _files["usr/lib/a.bin"] = RandomNumberGenerator.GetBytes(payloadBytes / 2);
        _files["usr/share/b/b.bin"] = RandomNumberGenerator.GetBytes(payloadBytes - payloadBytes / 2);
        Tarball = Pack();
        Digest = DigestOf(_files.Select(f => (f.Key, f.Value)));
    }

    public byte[] Tarball { get; }

    /// <summary>SHA-256 over the sorted (relative path, SHA-256 of content) list of the regular files.</summary>
    public string Digest { get; }

    /// <summary>The digest of an extracted tree, computed like <see cref="Digest"/>; any non-regular, non-directory entry is named so it cannot match.</summary>
    public static string DigestOf(string directory)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(e => e is not DirectoryInfo || e.LinkTarget is not null)
            .Select(e => (Path.GetRelativePath(directory, e.FullName), e is FileInfo { LinkTarget: null } f ? File.ReadAllBytes(f.FullName) : Encoding.UTF8.GetBytes("not a file: " + e.FullName)));
        return DigestOf(entries);
    }

    private static string DigestOf(IEnumerable<(string Path, byte[] Content)> files)
    {
        var text = new StringBuilder();
        foreach (var (path, content) in files.OrderBy(f => f.Path, StringComparer.Ordinal))
            text.Append(path).Append(' ').Append(Convert.ToHexStringLower(SHA256.HashData(content))).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private byte[] Pack()
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            var directories = _files.Keys.SelectMany(ParentsOf).Distinct().Order(StringComparer.Ordinal);
            foreach (var dir in directories)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, dir + "/") { Mode = (UnixFileMode)0b111_101_101 });
            foreach (var (path, content) in _files)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { Mode = (UnixFileMode)0b110_100_100, DataStream = new MemoryStream(content) });
        }
        return buffer.ToArray();
    }

    private static IEnumerable<string> ParentsOf(string path)
    {
        for (string? dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
            yield return dir;
    }
}
