// SysUpdate benchmarks (not a test; never part of a test run):
//   e2e     [--size-gib 1] [--codec raw|zstd|both] [--runs 3] [--sync yes|no]
//   startup [--runs 21]
//   planning [--sizes 10000,100000] [--runs 3]
//   chunking [--size-mib 1024] [--runs 3]
//   delta   [--size-mib 1024] [--rate-mib 40] [--rounds 1] [--changed 0.05] [--sysupdate PATH] [--work-dir /var/tmp]
//   ratelimit [--size-mib 64] [--limit 16M] [--runs 5] [--work-dir /var/tmp]
//   compare [--size-mib 512] [--runs 3] [--check-runs 7] [--codecs raw,gzip,xz,zstd,bzip2] [--targets file,partition] [--readback yes|no] [--codec-libraries host|reference] [--chroot DIR] [--work-dir /var/tmp]
//   verify  [--runs 11] [--sysupdate PATH] [--work-dir /var/tmp]
//   micro   [BenchmarkDotNet arguments]
using SysUpdate.Benchmarks;

string mode = args.Length > 0 ? args[0] : string.Empty;
string[] rest = args.Length > 0 ? args[1..] : [];
try
{
    return mode switch
    {
        "e2e" => await EndToEndBenchmark.RunAsync(BenchmarkArguments.Parse(rest)).ConfigureAwait(false),
        "startup" => await StartupBenchmark.RunAsync(BenchmarkArguments.Parse(rest)).ConfigureAwait(false),
        "planning" => await PlanningBenchmark.RunAsync(BenchmarkArguments.Parse(rest)).ConfigureAwait(false),
        "chunking" => await ChunkingBenchmark.RunAsync(BenchmarkArguments.Parse(rest)).ConfigureAwait(false),
        "delta" => await DeltaBenchmark.RunAsync(BenchmarkArguments.Parse(rest)).ConfigureAwait(false),
        "ratelimit" => await RateLimitBenchmark.RunAsync(BenchmarkArguments.Parse(rest)).ConfigureAwait(false),
        "compare" => await CompareBenchmark.RunAsync(rest).ConfigureAwait(false),
        "verify" => await VerifyBenchmark.RunAsync(BenchmarkArguments.Parse(rest)).ConfigureAwait(false),
        "micro" => MicroBenchmarks.Run(rest),
        _ => Usage(),
    };
}
catch (BenchmarkSetupException ex)
{
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project tests/SysUpdate.Benchmarks -- MODE [options]
          e2e     [--size-gib N] [--codec raw|zstd|both] [--runs N] [--sync yes|no]
                  download from nginx on loopback into a GPT image slot with the published sysupdate
          startup [--runs N]   whole-process time of 'sysupdate --definitions=transfer.d/demo check-new'
          planning [--sizes N,N] [--runs N]   parse, match, plan and whole-process check-new for
                  a SHA256SUMS with N versions (near-linear growth shows as time ratio ~ size ratio)
          chunking [--size-mib N] [--runs N]   casync chunker, chunk digests and SeedChunker MB/s
          delta   [--size-mib N] [--rate-mib N] [--rounds N] [--changed F] [--sysupdate PATH] [--work-dir DIR]
                  full vs delta update (casync index + chunk store) of an image whose v2 changed F in
                  regions, from nginx behind an aggregate rate limit: wall time, bytes served, peak RSS
          ratelimit [--size-mib N] [--limit SIZE] [--runs N] [--work-dir DIR]
                  whole-process 'sysupdate --rate-limit=SIZE update' of an N MiB url-file from Kestrel on
                  loopback, median of N runs (goal: 64 MiB at 16M in 3.5–5 s), beside one unlimited run
          compare [--size-mib N] [--runs N] [--check-runs N] [--codecs raw,gzip,xz,zstd,bzip2] [--targets file,partition]
                  [--readback yes|no] [--codec-libraries host|reference] [--chroot DIR] [--work-dir DIR]   (root) side by
                  side with systemd 262.1's systemd-sysupdate (chroot from 'tests/test72-262/run.sh --build-only'): update
                  per codec into a file and a partition, and check-new, from nginx on loopback, alternating; ratio ref/ours
                  per run, median, peak RSS; --codec-libraries reference runs ours with the chroot's liblzma/libzstd/libbz2
          verify  [--runs N] [--sysupdate PATH] [--work-dir DIR]
                  whole-process 'sysupdate check-new' against a gpg-signed SHA256SUMS on loopback, verified vs
                  --verify=no (median of N), and the in-process OpenPGP check alone; --sysupdate measures another build
          micro   [BenchmarkDotNet options]   version compare, pattern match, SHA256SUMS parse, planning
        The published executable: $SYSUPDATE_BIN, default artifacts/bin/sysupdate
        (dotnet publish src/SysUpdate.Cli -c Release -nologo -o artifacts/bin).
        """);
    return 2;
}
