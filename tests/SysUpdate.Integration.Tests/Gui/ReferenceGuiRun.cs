using System.Diagnostics;
using System.Text;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Gui;

/// <summary>
/// Runs <c>examples/gui/sysupdate-gui.py --autotest DIR</c> on a display and answers its
/// <c>SCREENSHOT NAME</c> lines: the callback takes the screenshot, then a line on the GUI's stdin lets it go on.
/// </summary>
internal static class ReferenceGuiRun
{
    /// <summary>Generous: only a hung GUI reaches it.</summary>
    private static readonly TimeSpan HangTimeout = TimeSpan.FromMinutes(5);

    public static string Script => RepoLayout.Path("examples/gui/sysupdate-gui.py");

    /// <param name="asNobody">Run the GUI as uid/gid 65534 through setpriv (the caller is root).</param>
    public static async Task<(int ExitCode, string Output)> RunAsync(string socket, string autotestDirectory, string display, Func<string, Task> takeScreenshot, bool asNobody, params string[] extraArguments)
    {
        var start = new ProcessStartInfo(asNobody ? GuiFactAttribute.SetPriv : GuiFactAttribute.Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asNobody)
        {
            foreach (string arg in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", GuiFactAttribute.Python])
                start.ArgumentList.Add(arg);
            start.Environment["HOME"] = autotestDirectory;
        }
        foreach (string arg in (string[])["-u", Script, "--socket", socket, "--autotest", autotestDirectory, "--no-reboot", .. extraArguments])
            start.ArgumentList.Add(arg);
        start.Environment["DISPLAY"] = display;
        start.Environment["GDK_BACKEND"] = "x11";
        start.Environment["GSK_RENDERER"] = "cairo";   // no GPU under Xvfb
        start.Environment["NO_AT_BRIDGE"] = "1";       // no accessibility bus in the test
        start.Environment["GTK_A11Y"] = "none";
        start.Environment.Remove("WAYLAND_DISPLAY");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var output = new StringBuilder();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var hang = new CancellationTokenSource(HangTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(hang.Token) is { } line)
            {
                lock (output)
                    output.Append(line).Append('\n');
                if (line.StartsWith("SCREENSHOT ", StringComparison.Ordinal))
                {
                    await takeScreenshot(line["SCREENSHOT ".Length..].Trim());
                    await process.StandardInput.WriteLineAsync("taken");
                    await process.StandardInput.FlushAsync();
                }
            }
            await process.WaitForExitAsync(hang.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the GUI did not finish within {HangTimeout.TotalMinutes} min:\n{output}\n{await errors}");
        }
        return (process.ExitCode, $"--- stdout:\n{output}--- stderr:\n{await errors}");
    }
}
