using SysUpdate.Core.Pipeline;

namespace SysUpdate.Cli.Notify;

/// <summary>
/// Turns progress events into what the environment wants: <c>sd_notify</c> messages as upstream sends
/// them (<c>READY=1</c>, <c>STATUS=</c>, <c>X_SYSUPDATE_*</c>), and for people either one live line per
/// transfer with rate and ETA (terminal) or a plain line at each 10% step (pipes, journals; only
/// when info messages are logged at all).
/// </summary>
internal sealed class ProgressDisplay(SdNotify notify, TextWriter error, bool interactive, bool showPlainLines = true) : IProgress<TransferProgress>
{
    private readonly object _lock = new();
    private string? _lastTransfer;
    private int _lastPercent = -1;
    private int _lastOverall = -1;
    private DateTime _lastDraw;

    public void Report(TransferProgress value)
    {
        lock (_lock)
        {
            switch (value.Phase)
            {
                case UpdatePhase.MakingRoom:
                    notify.Send($"READY=1\nX_SYSUPDATE_VERSION={value.Version}\nSTATUS=Making room for '{value.Version}'.");
                    break;
                case UpdatePhase.Acquiring:
                    Acquiring(value);
                    break;
                case UpdatePhase.Installing:
                    EndLine();
                    notify.Send($"READY=1\nX_SYSUPDATE_VERSION={value.Version}\nSTATUS=Installing '{value.Version}'.");
                    break;
                case UpdatePhase.Done:
                    EndLine();
                    notify.Send($"STATUS=Installed '{value.Version}'.");
                    break;
            }
        }
    }

    private void Acquiring(TransferProgress p)
    {
        if (p.TransferId != _lastTransfer)
        {
            EndLine();
            _lastTransfer = p.TransferId;
            _lastPercent = -1;
            if (_lastOverall < 0)
                notify.Send($"STATUS=Updating to '{p.Version}'.");
        }
        int overall = p.OverallPercent;
        if (overall != _lastOverall)
        {
            _lastOverall = overall;
            notify.Send($"X_SYSUPDATE_PROGRESS={overall}\nX_SYSUPDATE_TRANSFERS_LEFT={p.TransferCount - p.TransferIndex}\n"
                + $"X_SYSUPDATE_TRANSFERS_DONE={p.TransferIndex}\nSTATUS=Updating to '{p.Version}' ({overall}% complete)."
                + (p.BytesFetched is { } fetched && p.BytesReused is { } reused ? $"\nX_SYSUPDATE_BYTES_FETCHED={fetched}\nX_SYSUPDATE_BYTES_REUSED={reused}" : ""));
        }

        int percent = p.TransferPercent ?? -1;
        if (interactive)
        {
            var now = DateTime.UtcNow;
            if (now - _lastDraw < TimeSpan.FromMilliseconds(100) && percent != 100)
                return;
            _lastDraw = now;
            error.Write($"\r\x1b[K{p.TransferId}: {FormatBytes(p.BytesDone)}" + (p.BytesTotal is { } total ? $"/{FormatBytes(total)} {percent}%" : "")
                + $" {FormatBytes((long)p.BytesPerSecond)}/s" + Eta(p) + DeltaSplit(p));
        }
        else if (showPlainLines && percent >= 0 && percent / 10 != _lastPercent / 10)
        {
            _lastPercent = percent;
            error.WriteLine($"{p.TransferId}: {percent}% ({FormatBytes(p.BytesDone)}, {FormatBytes((long)p.BytesPerSecond)}/s){DeltaSplit(p)}");
        }
    }

    private void EndLine()
    {
        if (interactive && _lastTransfer is not null)
            error.WriteLine();
        _lastTransfer = null;
    }

    /// <summary>For a delta download: how much came from the chunk store and how much from local copies.</summary>
    private static string DeltaSplit(TransferProgress p) =>
        p.BytesFetched is { } fetched && p.BytesReused is { } reused ? $" [{FormatBytes(fetched)} fetched, {FormatBytes(reused)} reused]" : "";

    private static string Eta(TransferProgress p)
    {
        if (p.BytesTotal is not { } total || p.BytesPerSecond <= 0 || p.BytesDone >= total)
            return "";
        var eta = TimeSpan.FromSeconds((total - p.BytesDone) / p.BytesPerSecond);
        return $" ETA {(int)eta.TotalMinutes}:{eta.Seconds:00}";
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0}G",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0}M",
        >= 1L << 10 => $"{bytes / 1024.0:0.0}K",
        _ => $"{bytes}B",
    };
}
