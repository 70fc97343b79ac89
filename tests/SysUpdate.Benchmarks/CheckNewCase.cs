namespace SysUpdate.Benchmarks;

/// <summary>
/// Whole-process <c>check-new</c> by both tools, alternating: version 1 installed (a stub file), version 2 on the
/// server; each must exit 0 and print "2" (systemd 262's check-new prints the newer version on stdout).
/// </summary>
internal sealed class CheckNewCase(CompareSides sides, string baseUrl, string work)
{
    public async Task<CaseResult> RunAsync(int runs)
    {
        const string Name = "check-new";
        string definitions = Directory.CreateDirectory(Path.Combine(work, "defs-check-new")).FullName;
        string target = Directory.CreateDirectory(Path.Combine(work, "target-check-new")).FullName;
        await File.WriteAllTextAsync(Path.Combine(target, "img_1.raw"), "version 1\n").ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(definitions, "img.transfer"), $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={baseUrl}/
            MatchPattern={CompareRelease.MatchPattern("raw")}

            [Target]
            Type=regular-file
            Path={target}
            MatchPattern=img_@v.raw

            """).ConfigureAwait(false);
        string[] arguments = [$"--definitions={definitions}", "check-new"];
        var samples = new List<CompareSample>();
        try
        {
            for (int run = 1; run <= runs; run++)
            {
                bool referenceFirst = run % 2 == 1;
                TreeRunResult reference, ours;
                if (referenceFirst)
                {
                    reference = Check(await sides.RunReferenceAsync(arguments).ConfigureAwait(false), $"systemd-sysupdate {sides.Reference.Version}");
                    ours = Check(await sides.RunOursAsync(arguments, new Dictionary<string, string>()).ConfigureAwait(false), "ours");
                }
                else
                {
                    ours = Check(await sides.RunOursAsync(arguments, new Dictionary<string, string>()).ConfigureAwait(false), "ours");
                    reference = Check(await sides.RunReferenceAsync(arguments).ConfigureAwait(false), $"systemd-sysupdate {sides.Reference.Version}");
                }
                var sample = new CompareSample(run, referenceFirst, reference, ours);
                samples.Add(sample);
                Console.Error.WriteLine(FormattableString.Invariant(
                    $"{Name} run {run}/{runs}: ref {reference.Seconds:F3} s, ours {ours.Seconds:F3} s, ratio {sample.Ratio:F2}"));
            }
            return new CaseResult(Name, "version 1 installed, 2 on the server", samples, null);
        }
        catch (ComparisonRunFailedException ex)
        {
            Console.Error.WriteLine($"{Name}: FAILED: {ex.Message}");
            return new CaseResult(Name, "version 1 installed, 2 on the server", samples, ex.Message);
        }
    }

    private static TreeRunResult Check(TreeRunResult result, string who)
    {
        if (result.ExitCode != 0)
            throw new ComparisonRunFailedException($"{who}: check-new exited {result.ExitCode}:\n{TimedTreeRun.Tail(result.Output)}");
        if (!result.Output.Split('\n').Any(line => line.Trim() == CompareRelease.Version))
            throw new ComparisonRunFailedException($"{who}: check-new did not print the new version {CompareRelease.Version}:\n{TimedTreeRun.Tail(result.Output)}");
        return result;
    }
}
