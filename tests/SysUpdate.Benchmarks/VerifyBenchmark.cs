using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SysUpdate.Core.Manifests.Trust;

namespace SysUpdate.Benchmarks;

/// <summary>
/// What checking the manifest's OpenPGP signature costs. Whole process: the published <c>sysupdate check-new</c>
/// against Kestrel on loopback serving a gpg-signed <c>SHA256SUMS</c>, median of several runs with verification and
/// with <c>--verify=no</c>; their difference is the cost of verifying (a gpg process per run before issue 14,
/// in-process since). <c>--sysupdate PATH</c> measures another build (e.g. main's) the same way. In-process: the
/// time of the first <see cref="OpenPgpSignatureScheme.FindTrustedSignersAsync"/> call, then the mean of many.
/// </summary>
internal static class VerifyBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        int runs = args.GetInt("runs", 11);
        string repo = RepoLayout.FindRoot();
        string binary = args.Get("sysupdate", "") is { Length: > 0 } explicitBinary ? Path.GetFullPath(explicitBinary) : RepoLayout.SysUpdateBinary(repo);
        string work = Path.Combine(args.Get("work-dir", "/var/tmp"), "sysupdate-verify-" + Guid.NewGuid().ToString("N")[..8]);
        string gnupg = Path.Combine(work, "gnupg");
        try
        {
            string source = Directory.CreateDirectory(Path.Combine(work, "source")).FullName;
            Directory.CreateDirectory(gnupg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            byte[] image = RandomNumberGenerator.GetBytes(4096);
            await File.WriteAllBytesAsync(Path.Combine(source, "usr-1.raw"), image).ConfigureAwait(false);
            string manifestPath = Path.Combine(source, "SHA256SUMS");
            await File.WriteAllTextAsync(manifestPath, $"{Convert.ToHexStringLower(SHA256.HashData(image))} *usr-1.raw\n").ConfigureAwait(false);
            string keyring = Path.Combine(work, "import-pubring.pgp");
            await GpgAsync(gnupg, "--batch", "--passphrase", "", "--quick-gen-key", "Bench <bench@sysupdate.invalid>", "ed25519", "sign", "never").ConfigureAwait(false);
            await GpgAsync(gnupg, "--batch", "--yes", "--output", keyring, "--export").ConfigureAwait(false);
            await GpgAsync(gnupg, "--batch", "--yes", "--detach-sign", "--output", manifestPath + ".gpg", manifestPath).ConfigureAwait(false);
            await using var server = await InProcessImageServer.StartAsync(source).ConfigureAwait(false);

            string root = Path.Combine(work, "root");
            string definitions = Directory.CreateDirectory(Path.Combine(root, "etc", "sysupdate.d")).FullName;
            await File.WriteAllTextAsync(Path.Combine(definitions, "10-usr.transfer"), $"""
                [Source]
                Type=url-file
                Path={server.BaseUrl.AbsoluteUri.TrimEnd('/')}
                MatchPattern=usr-@v.raw

                [Target]
                Type=regular-file
                Path=/var/lib/images
                MatchPattern=usr-@v.raw
                """).ConfigureAwait(false);
            Directory.CreateDirectory(Path.Combine(root, "var", "lib", "images"));
            var environment = new Dictionary<string, string>
            {
                ["SYSTEMD_OPENPGP_KEYRING"] = keyring,
                ["SYSUPDATE_CACHE_DIRECTORY"] = Path.Combine(work, "cache"),
                ["SYSTEMD_LOG_LEVEL"] = "warning",
            };

            async Task<double> CheckNewAsync(bool verify)
            {
                string[] arguments = verify ? [$"--root={root}", "check-new"] : [$"--root={root}", "--verify=no", "check-new"];
                var result = await ChildProcess.RunAsync(binary, arguments, pollRss: false, environment: environment).ConfigureAwait(false);
                if (result.ExitCode != 0)
                    throw new BenchmarkSetupException($"{binary} {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.Output.Trim()}");
                return result.Wall.TotalMilliseconds;
            }

            await CheckNewAsync(verify: true).ConfigureAwait(false); // warm the page cache
            var verified = new List<double>();
            var unverified = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                verified.Add(await CheckNewAsync(verify: true).ConfigureAwait(false));
                unverified.Add(await CheckNewAsync(verify: false).ConfigureAwait(false));
            }

            byte[] manifest = await File.ReadAllBytesAsync(manifestPath).ConfigureAwait(false);
            byte[] signature = await File.ReadAllBytesAsync(manifestPath + ".gpg").ConfigureAwait(false);
            var scheme = new OpenPgpSignatureScheme(root: null, keyring);
            const int Iterations = 200;
            var cold = Stopwatch.StartNew();
            await scheme.FindTrustedSignersAsync(manifest, signature, "bench", CancellationToken.None).ConfigureAwait(false);
            double first = cold.Elapsed.TotalMilliseconds;
            for (int i = 0; i < 10; i++)
                await scheme.FindTrustedSignersAsync(manifest, signature, "bench", CancellationToken.None).ConfigureAwait(false);
            var stopwatch = Stopwatch.StartNew();
            for (int i = 0; i < Iterations; i++)
                await scheme.FindTrustedSignersAsync(manifest, signature, "bench", CancellationToken.None).ConfigureAwait(false);
            double inProcess = stopwatch.Elapsed.TotalMilliseconds / Iterations;

            double withVerify = Median(verified);
            double withoutVerify = Median(unverified);
            Console.WriteLine();
            Console.WriteLine($"`{binary} --root=… check-new` against Kestrel on 127.0.0.1, Ed25519-signed SHA256SUMS, {runs} runs each");
            Console.WriteLine();
            Console.WriteLine("| check-new | min ms | median ms | max ms |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| verified | {verified.Min():F0} | {withVerify:F0} | {verified.Max():F0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| --verify=no | {unverified.Min():F0} | {withoutVerify:F0} | {unverified.Max():F0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verification cost (median difference): {withVerify - withoutVerify:F0} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"in-process OpenPgpSignatureScheme.FindTrustedSignersAsync: first call {first:F1} ms (loading and JIT-compiling BouncyCastle in this JIT-compiled benchmark process), then {inProcess:F3} ms per manifest (mean of {Iterations})"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(gnupg))
                await GpgConfKillAsync(gnupg).ConfigureAwait(false);
            if (Directory.Exists(work))
                Directory.Delete(work, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task GpgAsync(string home, params string[] arguments)
    {
        var result = await ChildProcess.RunAsync("gpg", ["--homedir", home, "--quiet", .. arguments], pollRss: false).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new BenchmarkSetupException($"gpg {string.Join(' ', arguments)} failed: {result.Output.Trim()}");
    }

    private static async Task GpgConfKillAsync(string home) =>
        await ChildProcess.RunAsync("gpgconf", ["--homedir", home, "--kill", "all"], pollRss: false).ConfigureAwait(false);
}
