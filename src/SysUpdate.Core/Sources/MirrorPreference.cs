using System.Security.Cryptography;
using System.Text;

namespace SysUpdate.Core.Sources;

/// <summary>
/// Remembers, per url source, which of its base URLs (<c>Path=</c> and its <c>Mirror=</c>s) last served it well, so the
/// next run asks that one first. One small file per list of base URLs in <c>/var/lib/systemd/sysupdate/mirrors/</c> below
/// the root, named by the SHA-256 of the list and holding the URL; written to a temporary name and renamed. It only
/// orders attempts: a file that is missing, unreadable or names a URL not in the list is ignored, and a failure to
/// write it loses nothing.
/// </summary>
internal sealed class MirrorPreference(string root)
{
    private const int MaxFileBytes = 8192;

    public string Directory { get; } = Path.Join(root, "var/lib/systemd/sysupdate/mirrors");

    /// <summary><paramref name="bases"/> with the one that last worked first, the rest in configured order.</summary>
    public IReadOnlyList<string> Order(IReadOnlyList<string> bases)
    {
        ArgumentNullException.ThrowIfNull(bases);
        if (bases.Count < 2 || Read(bases) is not { } preferred)
            return bases;
        return [preferred, .. bases.Where(b => b != preferred)];
    }

    /// <summary>Records that <paramref name="worked"/>, one of <paramref name="bases"/>, served what was asked of it.</summary>
    public void Record(IReadOnlyList<string> bases, string worked)
    {
        ArgumentNullException.ThrowIfNull(bases);
        if (bases.Count < 2 || !bases.Contains(worked) || Read(bases) == worked)
            return;
        string path = PathOf(bases);
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllText(temporary, worked + "\n");
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only the order of the next run's attempts is lost.
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private string? Read(IReadOnlyList<string> bases)
    {
        try
        {
            var file = new FileInfo(PathOf(bases));
            if (!file.Exists || file.Length > MaxFileBytes)
                return null;
            string url = File.ReadAllText(file.FullName).TrimEnd('\n');
            return bases.Contains(url) ? url : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string PathOf(IReadOnlyList<string> bases) =>
        Path.Join(Directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', bases)))));
}
