using System.Diagnostics;
using SysUpdate.Core;

namespace SysUpdate.Cli.Notify;

/// <summary>Asks the service manager to reboot (<c>systemctl reboot</c>, which goes through logind and
/// honours inhibitors like upstream's <c>RebootWithFlags</c>).</summary>
internal static class Reboot
{
    public static async Task NowAsync(CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo("systemctl", "reboot") { UseShellExecute = false })
            ?? throw new SysUpdateException("Failed to start 'systemctl reboot'.");
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new SysUpdateException($"'systemctl reboot' failed with exit status {process.ExitCode}.");
    }
}
