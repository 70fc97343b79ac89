using System.Globalization;
using System.Text.RegularExpressions;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Delta;

/// <summary>
/// The line a completed delta download logs: "URL: assembled from N chunks: X bytes reused from local copies (P%),
/// Y fetched from STORE (Z bytes transferred, K chunks)", parsed.
/// </summary>
internal sealed partial record FileDeltaSummary(int Chunks, long Reused, int ReusedPercent, long Fetched, string Store, long Transferred, int ChunksFetched)
{
    /// <summary>The one summary line <paramref name="run"/> logged for <paramref name="imageUrl"/>; fails unless there is exactly one.</summary>
    public static FileDeltaSummary Single(ProcessResult run, string imageUrl)
    {
        var lines = FileDeltaBench.LinesWith(run, imageUrl + ": assembled from ");
        Assert.True(lines.Count == 1, $"expected one summary line for {imageUrl}\n{run}");
        var match = Pattern().Match(lines[0]);
        Assert.True(match.Success, $"summary line not as documented: {lines[0]}");
        return new FileDeltaSummary(
            int.Parse(match.Groups["chunks"].Value, CultureInfo.InvariantCulture),
            long.Parse(match.Groups["reused"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["percent"].Value, CultureInfo.InvariantCulture),
            long.Parse(match.Groups["fetched"].Value, CultureInfo.InvariantCulture),
            match.Groups["store"].Value,
            long.Parse(match.Groups["wire"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["fetchedChunks"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@": assembled from (?<chunks>\d+) chunks: (?<reused>\d+) bytes reused from local copies \((?<percent>\d+)%\), (?<fetched>\d+) fetched from (?<store>\S+) \((?<wire>\d+) bytes transferred, (?<fetchedChunks>\d+) chunks\)$")]
    private static partial Regex Pattern();
}
