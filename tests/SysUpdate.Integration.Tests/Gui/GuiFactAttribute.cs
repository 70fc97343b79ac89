using System.Diagnostics;

namespace SysUpdate.Integration.Tests.Gui;

/// <summary>
/// A fact that runs the reference GUI (examples/gui) on an Xvfb display: skipped, with the reason shown,
/// when Xvfb, ImageMagick's import/identify, GTK 4's introspection data for python3-gi or python3-varlink
/// are missing (tests/run-all.sh installs them as root).
/// </summary>
internal sealed class GuiFactAttribute : FactAttribute
{
    public const string Xvfb = "/usr/bin/Xvfb";
    public const string Import = "/usr/bin/import";
    public const string Identify = "/usr/bin/identify";
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(Probe);

    public const string SetPriv = "/usr/bin/setpriv";

    /// <param name="asOtherUid">The GUI runs as uid 65534 (nobody): needs root and setpriv too.</param>
    public GuiFactAttribute(bool asOtherUid = false)
    {
        Skip = Missing.Value
            ?? (asOtherUid && !Environment.IsPrivilegedProcess ? "needs root to run the GUI as uid 65534 (setpriv)" : null)
            ?? (asOtherUid && !File.Exists(SetPriv) ? "needs setpriv (apt-get install util-linux)" : null);
    }

    private static string? Probe()
    {
        foreach (var (file, package) in new[] { (Xvfb, "xvfb"), (Import, "imagemagick"), (Identify, "imagemagick"), (Python, "python3") })
        {
            if (!File.Exists(file))
                return $"{file} is not installed (apt-get install {package})";
        }
        var start = new ProcessStartInfo(Python, ["-c", "import gi; gi.require_version('Gtk', '4.0'); import varlink"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            return "python3 could not import gi and varlink within 60 s";
        }
        string error = process.StandardError.ReadToEnd();
        return process.ExitCode == 0
            ? null
            : "python3 lacks GTK 4 or varlink (apt-get install python3-gi gir1.2-gtk-4.0; python3-varlink from bookworm-backports): "
              + error.TrimEnd().Split('\n')[^1];
    }
}
