using System.Security.Cryptography;
using System.Text;

namespace SysUpdate.Core.Targets;

/// <summary>
/// The install database (<c>/var/lib/systemd/sysupdate/installdb[.COMPONENT]/</c>): one symlink per
/// (target directory, pattern) that ever received an install, named by the SHA-256 of its value
/// <c>PATH/./PATTERN</c>, so <c>cleanup</c> can find files no current definition owns any more.
/// </summary>
internal static class InstallDb
{
    public static string DirectoryFor(string root, string? component) =>
        Path.Combine(root, "var/lib/systemd/sysupdate", component is null ? "installdb" : $"installdb.{component}");

    public static string EntryValue(string targetPathWithoutRoot, string pattern) =>
        $"{targetPathWithoutRoot.TrimEnd('/')}/./{pattern}";

    public static string EntryName(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static void Record(string root, string? component, string targetDirectory, IEnumerable<string> patterns)
    {
        string db = DirectoryFor(root, component);
        Directory.CreateDirectory(db);
        string withoutRoot = root == "/" ? targetDirectory : "/" + Path.GetRelativePath(root, targetDirectory);
        foreach (var pattern in patterns)
        {
            string value = EntryValue(withoutRoot, pattern);
            string link = Path.Combine(db, EntryName(value));
            if (new FileInfo(link).LinkTarget == value)
                continue;
            string temporary = link + ".tmp";
            if (new FileInfo(temporary).LinkTarget is not null)
                File.Delete(temporary);
            File.CreateSymbolicLink(temporary, value);
            Native.LibC.Rename(temporary, link);
        }
    }
}
