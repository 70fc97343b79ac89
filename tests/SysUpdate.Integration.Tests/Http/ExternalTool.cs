using System.Diagnostics;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>Runs a helper program (build.sh, gpg) to completion and fails loudly if it fails.</summary>
internal static class ExternalTool
{
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(60);
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["LC_ALL"] = "C";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var expiry = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(expiry.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {limit.TotalSeconds} s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{fileName} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}:\n{await stderr}");
        _ = await stderr;
        return await stdout;
    }

    /// <summary>Stops the gpg-agent (and friends) of a throw-away homedir so no daemon outlives the test.</summary>
    public static async Task KillGpgAgentAsync(string homedir)
    {
        try
        {
            await RunAsync("gpgconf", ["--homedir", homedir, "--kill", "all"]);
        }
        catch (InvalidOperationException)
        {
            // No agent was running.
        }
    }

    /// <summary>The directory holding SysUpdate.sln (for testimages/build.sh).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SysUpdate.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException($"No SysUpdate.sln above {AppContext.BaseDirectory}");
    }
}
