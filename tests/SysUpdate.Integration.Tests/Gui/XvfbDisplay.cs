using System.Diagnostics;
using System.Globalization;

namespace SysUpdate.Integration.Tests.Gui;

/// <summary>An Xvfb X server on a display number it picks itself (<c>-displayfd</c>), stopped on dispose.</summary>
internal sealed class XvfbDisplay : IAsyncDisposable
{
    private readonly Process _process;

    private XvfbDisplay(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>The DISPLAY value, e.g. <c>:3</c>.</summary>
    public string Name { get; }

    public static async Task<XvfbDisplay> StartAsync()
    {
        var start = new ProcessStartInfo(GuiFactAttribute.Xvfb)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // -displayfd 1: Xvfb finds a free display number and writes it to stdout once it accepts clients.
        foreach (string arg in (string[])["-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"])
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Xvfb did not start");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line = await process.StandardOutput.ReadLineAsync(hang.Token);
        if (line is null || !int.TryParse(line.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int display))
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"Xvfb did not announce a display: {await errors}");
        }
        return new XvfbDisplay(process, ":" + display.ToString(CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
