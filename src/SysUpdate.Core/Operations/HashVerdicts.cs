using System.Security.Cryptography;
using System.Text;

namespace SysUpdate.Core.Operations;

/// <summary>
/// Why a partial instance exists. A download whose bytes did not match the manifest's SHA-256 records
/// a verdict here, keyed by (resolved target, version); a partial without a verdict was left by a run
/// that was killed or cancelled and is simply acquired again. Verdicts live below the root in
/// <c>/var/lib/systemd/sysupdate/hash-mismatch/</c>, one small file per (target, version) named by the
/// SHA-256 of <c>TARGET\nVERSION</c> and holding both in clear; vacuum and a successful acquire clear them.
/// </summary>
internal sealed class HashVerdicts(string root)
{
    public string Directory { get; } = Path.Combine(root, "var/lib/systemd/sysupdate/hash-mismatch");

    public bool IsMismatch(string target, string version) => File.Exists(PathOf(target, version));

    /// <summary>Records the verdict; a failure to record is not fatal (the partial is then retried).</summary>
    public void RecordMismatch(string target, string version, string detail)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            string path = PathOf(target, version);
            string temporary = path + ".tmp";
            File.WriteAllText(temporary, $"{WithoutRoot(target)}\n{version}\n{detail}\n");
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing lost: without a verdict the next update downloads again and checks again.
        }
    }

    public void Clear(string target, string version)
    {
        try
        {
            File.Delete(PathOf(target, version));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale verdict only makes the next run ask for a vacuum, as upstream always does.
        }
    }

    private string PathOf(string target, string version) =>
        Path.Combine(Directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{WithoutRoot(target)}\n{version}"))));

    private string WithoutRoot(string target) =>
        root == "/" ? target : "/" + Path.GetRelativePath(root, target);
}
