using System.Text;

namespace SysUpdate.Core.Pipeline;

/// <summary>
/// What an interrupted download leaves for the next run: the bytes received so far kept as
/// <c>.sysupdate.resume.NAME</c>, and this small state file beside it naming the URL, the expected SHA-256
/// and, for a raw download, the server's validator (ETag or Last-Modified) for <c>If-Range</c>. Neither
/// name matches an instance pattern, so an interrupted download is not a "partial" version that would need
/// a vacuum first. <see cref="ResumeKind"/> says what the bytes are: a prefix of the published file (raw
/// payloads, continued with Range) or a delta download's image in progress (any chunk of it found in place
/// is kept after its ID was checked).
/// </summary>
/// <param name="Bytes">Raw downloads: how many bytes of the data file are known to be on stable storage (a checkpoint);
/// null when the whole file counts.</param>
internal sealed record ResumeState(string Url, string Sha256, string? Validator, ResumeKind Kind = ResumeKind.Raw, long? Bytes = null)
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
        var kind = ResumeKind.Raw;
        long? bytes = null;
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
                case "kind": kind = value == "delta" ? ResumeKind.Delta : ResumeKind.Raw; break;
                case "bytes" when long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long b):
                    bytes = b;
                    break;
            }
        }
        return url is null || sha is null ? null : new ResumeState(url, sha, validator, kind, bytes);
    }

    /// <summary>Moves the partial bytes aside under the resume name and records how to continue.</summary>
    public void SaveFrom(string partialPath, string finalPath)
    {
        Save(finalPath);
        Native.LibC.Rename(partialPath, DataPath(finalPath));
    }

    /// <summary>Writes the state file alone, for a download that writes straight into <see cref="DataPath"/> (so that a
    /// run killed at any point leaves what it had).</summary>
    public void Save(string finalPath) =>
        File.WriteAllText(StatePath(finalPath),
            $"url={Url}\nsha256={Sha256}\nvalidator={Validator}\nkind={(Kind == ResumeKind.Delta ? "delta" : "raw")}\n"
            + (Bytes is { } bytes ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"bytes={bytes}\n") : ""), Encoding.UTF8);

    /// <summary>Whether this state belongs to a download of <paramref name="url"/> with <paramref name="sha256"/> of this kind.</summary>
    public bool Continues(string url, string? sha256, ResumeKind kind) =>
        Kind == kind && Url == url && sha256 is not null && string.Equals(Sha256, sha256, StringComparison.OrdinalIgnoreCase);

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
