using System.Diagnostics;
using SysUpdate.Varlink.Tests.Service;
using System.Text.Json;

namespace SysUpdate.Varlink.Tests.Interop;

/// <summary>The reference python3-varlink client (Debian package python3-varlink) against our server.</summary>
public sealed class PythonVarlinkTests
{
    [PythonVarlinkFact]
    public async Task PythonClient_CallsStreamsAndIntrospects()
    {
        await using var server = new TestServer();
        string script = FindScript();

        (int exitCode, string stdout, string stderr) = await RunAsync(Prerequisites.Python, script, server.SocketPath);

        Assert.True(exitCode == 0, $"python client failed: {stderr}");
        using JsonDocument document = JsonDocument.Parse(stdout);
        JsonElement result = document.RootElement;
        Assert.Equal(["org.varlink.service", "org.example.Test"], result.GetProperty("info").GetProperty("interfaces").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("SysUpdate", result.GetProperty("info").GetProperty("vendor").GetString());
        Assert.Equal("org.example.Test", result.GetProperty("interface").GetString());
        Assert.Equal("hello", result.GetProperty("ping").GetProperty("text").GetString());
        Assert.Equal([1, 2, 3, 4], result.GetProperty("count").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("org.example.Test.Failed", result.GetProperty("error").GetProperty("error").GetString());
        Assert.Equal("bad", result.GetProperty("error").GetProperty("parameters").GetProperty("reason").GetString());
        Assert.Equal("p", result.GetProperty("echo").GetProperty("point").GetProperty("label").GetString());
        Assert.Equal(Native.GetUid(), result.GetProperty("whoami").GetProperty("uid").GetUInt32());
    }

    /// <summary>The script lives next to the test sources (the csproj does not copy it to the output).</summary>
    private static string FindScript([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        string fromSource = Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "python", "varlink_client.py");
        return File.Exists(fromSource) ? Path.GetFullPath(fromSource) : Path.Combine(AppContext.BaseDirectory, "python", "varlink_client.py");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fileName, params string[] arguments)
    {
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true },
        };
        process.Start();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
