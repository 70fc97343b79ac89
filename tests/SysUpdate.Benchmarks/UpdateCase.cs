using System.Security.Cryptography;
using SysUpdate.Core.Disk;

namespace SysUpdate.Benchmarks;

/// <summary>
/// <c>update</c> of one codec into one kind of target, by both tools in alternating order (run 1 reference first,
/// run 2 ours first, …), each time into a fresh target; after every run the installed file or slot must hold
/// exactly the payload's bytes.
/// </summary>
internal sealed class UpdateCase(CompareSides sides, CompareRelease release, string baseUrl, string work, bool readback)
{
    private const long MiB = 1024 * 1024;
    private const string SlotLabel = "bench_" + CompareRelease.Version;

    public async Task<CaseResult> RunAsync(string codec, CompareTarget target, int runs, long size)
    {
        var image = release.Images[codec];
        string name = $"{codec} → {(target == CompareTarget.File ? "file" : "partition")}";
        string detail = $"{image.FileName}, {image.Bytes / (double)MiB:F1} MiB published{(image.Note.Length > 0 ? ", " + image.Note : string.Empty)}";
        string definitions = Directory.CreateDirectory(Path.Combine(work, $"defs-{codec}-{target}".ToLowerInvariant())).FullName;
        var samples = new List<CompareSample>();
        try
        {
            for (int run = 1; run <= runs; run++)
            {
                bool referenceFirst = run % 2 == 1;
                TreeRunResult? reference = null, ours = null;
                foreach (bool isReference in referenceFirst ? new[] { true, false } : [false, true])
                {
                    var result = await RunSideAsync(isReference, codec, target, definitions, size).ConfigureAwait(false);
                    if (isReference)
                        reference = result;
                    else
                        ours = result;
                }
                var sample = new CompareSample(run, referenceFirst, reference!, ours!);
                samples.Add(sample);
                Console.Error.WriteLine(FormattableString.Invariant(
                    $"{name} run {run}/{runs}: ref {sample.Reference.Seconds:F2} s, ours {sample.Ours.Seconds:F2} s, ratio {sample.Ratio:F2}"));
            }
            return new CaseResult(name, detail, samples, null);
        }
        catch (ComparisonRunFailedException ex)
        {
            Console.Error.WriteLine($"{name}: FAILED: {ex.Message}");
            return new CaseResult(name, detail, samples, ex.Message);
        }
    }

    private async Task<TreeRunResult> RunSideAsync(bool isReference, string codec, CompareTarget target, string definitions, long size)
    {
        string who = isReference ? $"systemd-sysupdate {sides.Reference.Version}" : "ours";
        string[] arguments = [$"--definitions={definitions}", "update"];
        var environment = new Dictionary<string, string>();
        if (!readback)
            environment["SYSUPDATE_READBACK"] = "0";
        PageCache.WriteBackAll();
        if (target == CompareTarget.File)
        {
            string directory = Path.Combine(work, "target-file");
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
            Directory.CreateDirectory(directory);
            await WriteTransferAsync(definitions, codec, "regular-file", directory, "img_@v.raw").ConfigureAwait(false);
            var result = await RunAsync(isReference, arguments, environment).ConfigureAwait(false);
            Check(result, who, $"update into {directory}");
            string installed = Path.Combine(directory, $"img_{CompareRelease.Version}.raw");
            if (!File.Exists(installed))
                throw new ComparisonRunFailedException($"{who}: {installed} does not exist after the update:\n{TimedTreeRun.Tail(result.Output)}");
            var (_, sha) = await Stages.HashFileAsync(installed).ConfigureAwait(false);
            if (sha != release.PayloadSha256)
                throw new ComparisonRunFailedException($"{who}: {installed} has SHA-256 {sha}, the payload {release.PayloadSha256}");
            Directory.Delete(directory, recursive: true);
            return result;
        }

        string imagePath = Path.Combine(work, "disk.img");
        long slot = size + MiB;
        File.Delete(imagePath);
        GptImageBuilder.Create(imagePath, (2 * slot) + (4 * MiB),
        [
            new GptPartitionSpec(GptPartitionTypes.LinuxGeneric, "_empty", slot),
            new GptPartitionSpec(GptPartitionTypes.LinuxGeneric, "_empty", slot),
        ]);
        TreeRunResult partitionResult;
        string device;
        await using (var loop = await LoopDevice.AttachAsync(imagePath).ConfigureAwait(false))
        {
            device = loop.Path;
            await WriteTransferAsync(definitions, codec, "partition", device, "bench_@v", "MatchPartitionType=linux-generic\n").ConfigureAwait(false);
            partitionResult = await RunAsync(isReference, arguments, environment).ConfigureAwait(false);
        }
        Check(partitionResult, who, $"update into {device} ({imagePath})");
        if (!isReference && readback != partitionResult.Output.Contains("read back", StringComparison.Ordinal))
            throw new ComparisonRunFailedException($"ours {(readback ? "did not log" : "logged")} a read-back with --readback {(readback ? "yes" : "no")}:\n{TimedTreeRun.Tail(partitionResult.Output)}");
        await VerifySlotAsync(who, imagePath, size).ConfigureAwait(false);
        File.Delete(imagePath);
        return partitionResult;
    }

    private Task<TreeRunResult> RunAsync(bool isReference, string[] arguments, Dictionary<string, string> environment) =>
        isReference ? sides.RunReferenceAsync(arguments) : sides.RunOursAsync(arguments, environment);

    private static void Check(TreeRunResult result, string who, string what)
    {
        if (result.ExitCode != 0)
            throw new ComparisonRunFailedException($"{who}: {what} exited {result.ExitCode}:\n{TimedTreeRun.Tail(result.Output)}");
    }

    private async Task WriteTransferAsync(string definitions, string codec, string targetType, string targetPath, string targetPattern, string extra = "") =>
        await File.WriteAllTextAsync(Path.Combine(definitions, "img.transfer"), $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={baseUrl}/
            MatchPattern={CompareRelease.MatchPattern(codec)}

            [Target]
            Type={targetType}
            Path={targetPath}
            MatchPattern={targetPattern}
            {extra}
            """).ConfigureAwait(false);

    /// <summary>The slot labelled bench_2 must exist and hold exactly the payload's bytes.</summary>
    private async Task VerifySlotAsync(string who, string image, long size)
    {
        GptPartition slot;
        using (var disk = GptDisk.Open(image, writable: false))
        {
            slot = disk.Partitions.SingleOrDefault(p => p.Name == SlotLabel && p.Type == GptPartitionTypes.LinuxGeneric)
                ?? throw new ComparisonRunFailedException($"{who}: {image} has no partition labelled {SlotLabel} after the update");
        }
        using var handle = File.OpenHandle(image);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[4 * MiB];
        for (long done = 0; done < size;)
        {
            int n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - done)), slot.StartBytes + done).ConfigureAwait(false);
            if (n == 0)
                throw new ComparisonRunFailedException($"{who}: {image} ends inside slot {slot.Number}");
            hash.AppendData(buffer, 0, n);
            done += n;
        }
        string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != release.PayloadSha256)
            throw new ComparisonRunFailedException($"{who}: slot {slot.Number} of {image} holds SHA-256 {actual}, the payload has {release.PayloadSha256}");
    }
}
