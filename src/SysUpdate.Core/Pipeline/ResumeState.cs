using System.Text;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// What an interrupted download leaves for the next run: the bytes received so far (raw payloads only,
/// where the written bytes are the published bytes) kept as <c>.sysupdate.resume.NAME</c>, and this
/// small state file beside it naming the URL, the expected SHA-256 and the server's validator
/// (ETag or Last-Modified) for <c>If-Range</c>. Neither name matches an instance pattern, so an
/// interrupted download is not a "partial" version that would need a vacuum first.
/// </summary>
internal sealed record ResumeState(string Url, string Sha256, string? Validator)
{
    public const string Prefix = ".sysupdate.resume.";
    private const string StateSuffix = ".state";

    public static string DataPath(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!, Prefix + Path.GetFileName(finalPath));

    public static string StatePath(string finalPath) => DataPath(finalPath) + StateSuffix;

    public static ResumeState? Load(string finalPath)
    {
        string state = StatePath(finalPath);
        if (!File.Exists(state) || !File.Exists(DataPath(finalPath)))
            return null;
        string? url = null, sha = null, validator = null;
        foreach (var line in File.ReadAllLines(state, Encoding.UTF8))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                continue;
            string value = line[(eq + 1)..];
            switch (line[..eq])
            {
                case "url": url = value; break;
                case "sha256": sha = value; break;
                case "validator": validator = value.Length == 0 ? null : value; break;
            }
        }
        return url is null || sha is null ? null : new ResumeState(url, sha, validator);
    }

    /// <summary>Moves the partial bytes aside under the resume name and records how to continue.</summary>
    public void SaveFrom(string partialPath, string finalPath)
    {
        File.WriteAllText(StatePath(finalPath), $"url={Url}\nsha256={Sha256}\nvalidator={Validator}\n", Encoding.UTF8);
        Native.LibC.Rename(partialPath, DataPath(finalPath));
    }

    /// <summary>Removes resume leftovers in <paramref name="directory"/> except those for <paramref name="keepFinalPath"/>.</summary>
    public static void RemoveStale(string directory, string? keepFinalPath)
    {
        if (!Directory.Exists(directory))
            return;
        string? keep = keepFinalPath is null ? null : Path.GetFileName(DataPath(keepFinalPath));
        foreach (var file in Directory.EnumerateFiles(directory, Prefix + "*"))
        {
            string name = Path.GetFileName(file);
            if (keep is not null && (name == keep || name == keep + StateSuffix))
                continue;
            File.Delete(file);
        }
    }

    public static void Delete(string finalPath)
    {
        File.Delete(DataPath(finalPath));
        File.Delete(StatePath(finalPath));
    }
}
