using System.Globalization;

namespace SysUpdate.Benchmarks;

/// <summary>The comparison as markdown: how it was run, a summary table to paste into the README, then one table per
/// case with every run.</summary>
internal static class CompareReport
{
    private const double MiB = 1024 * 1024;

    public static void Print(string commandLine, IReadOnlyList<string> setup, IReadOnlyList<CaseResult> cases)
    {
        Console.WriteLine();
        Console.WriteLine("```");
        Console.WriteLine(commandLine);
        Console.WriteLine("```");
        Console.WriteLine();
        foreach (string line in setup)
            Console.WriteLine(line);
        Console.WriteLine();
        Console.WriteLine("| case | ref s | ours s | ratio ref/ours per run | median ratio | peak RSS ref (tree) MiB | peak RSS ours MiB |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var c in cases)
        {
            if (c.Samples.Count == 0)
            {
                Console.WriteLine($"| {c.Name} | FAILED | | | | | |");
                continue;
            }
            string ratios = string.Join(", ", c.Samples.Select(s => F(s.Ratio, "F2")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Name} | {Median(c.Samples.Select(s => s.Reference.Seconds)):F2} | {Median(c.Samples.Select(s => s.Ours.Seconds)):F2} | {ratios} | "
                + $"**{Median(c.Samples.Select(s => s.Ratio)):F2}**{(c.Failure is null ? string.Empty : " (FAILED, partial)")} | {Rss(c.Samples.Max(s => s.Reference.PeakTreeRssBytes))} | {Rss(c.Samples.Max(s => s.Ours.PeakTreeRssBytes))} |"));
        }
        foreach (var c in cases)
        {
            Console.WriteLine();
            Console.WriteLine($"#### {c.Name} ({c.Detail})");
            Console.WriteLine();
            Console.WriteLine("| run | first | ref s | ours s | ratio ref/ours | peak RSS ref (tree) MiB | ref processes | peak RSS ours MiB |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var s in c.Samples)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {s.Run} | {(s.ReferenceFirst ? "ref" : "ours")} | {s.Reference.Seconds:F3} | {s.Ours.Seconds:F3} | {s.Ratio:F2} | {Rss(s.Reference.PeakTreeRssBytes)} | {s.Reference.Processes} | {Rss(s.Ours.PeakTreeRssBytes)} |"));
            }
            if (c.Samples.Count > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| median | | {Median(c.Samples.Select(s => s.Reference.Seconds)):F3} | {Median(c.Samples.Select(s => s.Ours.Seconds)):F3} | **{Median(c.Samples.Select(s => s.Ratio)):F2}** | max {Rss(c.Samples.Max(s => s.Reference.PeakTreeRssBytes))} | | max {Rss(c.Samples.Max(s => s.Ours.PeakTreeRssBytes))} |"));
            }
            if (c.Failure is not null)
            {
                Console.WriteLine();
                Console.WriteLine("FAILED, case aborted:");
                Console.WriteLine("```");
                Console.WriteLine(c.Failure);
                Console.WriteLine("```");
            }
        }
    }

    /// <summary>MiB with one decimal, or "n/a" when the process exited before its tree could be sampled.</summary>
    private static string Rss(long bytes) => bytes > 0 ? F(bytes / MiB, "F1") : "n/a";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
