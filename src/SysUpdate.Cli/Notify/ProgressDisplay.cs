using SysUpdate.Core.Pipeline;

namespace SysUpdate.Cli.Notify;

/// <summary>
/// Turns progress events into what the environment wants: <c>sd_notify</c> messages as upstream sends
/// them (<c>READY=1</c>, <c>STATUS=</c>, <c>X_SYSUPDATE_*</c>), with the transfer's smoothed rate and time
/// left added to <c>STATUS=</c>; and for people either one live line per transfer with rate and time left
/// (terminal) or a plain line at each 10% step or every <see cref="PlainLineInterval"/> (pipes, journals;
/// only when info messages are logged at all). The rate and time left are the engine's
/// (<see cref="TransferRateEstimator"/>), the numbers Varlink clients get.
/// </summary>
internal sealed class ProgressDisplay(SdNotify notify, TextWriter error, bool interactive, bool showPlainLines = true, TimeProvider? clock = null)
    : IProgress<TransferProgress>
{
    private static readonly TimeSpan PlainLineInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private string? _lastTransfer;
    private int _lastPercent = -1;
    private int _lastOverall = -1;
    private long _lastDraw;
    private long _lastLine;
    private long _lastStatus;
    private bool _lineOpen;
    private bool _transferLineDone;

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
                    _lastTransfer = null;
                    notify.Send($"READY=1\nX_SYSUPDATE_VERSION={value.Version}\nSTATUS=Installing '{value.Version}'.");
                    break;
                case UpdatePhase.Done:
                    EndLine();
                    _lastTransfer = null;
                    notify.Send($"STATUS=Installed '{value.Version}'.");
                    break;
            }
        }
    }

    private void Acquiring(TransferProgress p)
    {
        long now = _clock.GetTimestamp();
        if (p.TransferId != _lastTransfer)
        {
            EndLine();
            _lastTransfer = p.TransferId;
            _lastPercent = -1;
            _transferLineDone = false;
            _lastLine = now;
            if (_lastOverall < 0)
                notify.Send($"STATUS=Updating to '{p.Version}'.");
        }
        int overall = p.OverallPercent;
        bool rateKnown = p.BytesPerSecond is not null;
        if (overall != _lastOverall || (rateKnown && _clock.GetElapsedTime(_lastStatus, now) >= StatusInterval))
        {
            _lastOverall = overall;
            _lastStatus = now;
            notify.Send($"X_SYSUPDATE_PROGRESS={overall}\nX_SYSUPDATE_TRANSFERS_LEFT={p.TransferCount - p.TransferIndex}\n"
                + $"X_SYSUPDATE_TRANSFERS_DONE={p.TransferIndex}\nSTATUS=Updating to '{p.Version}' ({overall}% complete{RateText.Suffix(p)})."
                + (p.BytesFetched is { } fetched && p.BytesReused is { } reused ? $"\nX_SYSUPDATE_BYTES_FETCHED={fetched}\nX_SYSUPDATE_BYTES_REUSED={reused}" : ""));
        }

        int percent = p.TransferPercent ?? -1;
        if (interactive)
        {
            if (_transferLineDone || (_clock.GetElapsedTime(_lastDraw, now) < RedrawInterval && percent != 100))
                return;
            _lastDraw = now;
            error.Write($"\r\x1b[K{p.TransferId}: {FormatBytes(p.BytesDone)}" + (p.BytesTotal is { } total ? $"/{FormatBytes(total)} {percent}%" : "")
                + (p.BytesPerSecond is { } rate ? " " + RateText.Rate(rate) : "") + (p.Remaining is { } left ? " " + RateText.Left(left) : "") + DeltaSplit(p));
            _lineOpen = true;
            // A finished transfer's line ends now: the log message saying it was acquired comes next.
            if (percent == 100)
            {
                EndLine();
                _transferLineDone = true;
            }
        }
        else if (showPlainLines && (percent >= 0 && percent / 10 != _lastPercent / 10
                                    || (rateKnown && _clock.GetElapsedTime(_lastLine, now) >= PlainLineInterval)))
        {
            _lastPercent = percent;
            _lastLine = now;
            error.WriteLine((percent >= 0 ? $"{p.TransferId}: {percent}% ({FormatBytes(p.BytesDone)}" : $"{p.TransferId}: ({FormatBytes(p.BytesDone)}")
                + $"{RateText.Suffix(p)}){DeltaSplit(p)}");
        }
    }

    private void EndLine()
    {
        if (_lineOpen)
            error.WriteLine();
        _lineOpen = false;
    }

    /// <summary>For a delta download: how much came from the chunk store and how much from local copies.</summary>
    private static string DeltaSplit(TransferProgress p) =>
        p.BytesFetched is { } fetched && p.BytesReused is { } reused ? $" [{FormatBytes(fetched)} fetched, {FormatBytes(reused)} reused]" : "";

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0}G",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0}M",
        >= 1L << 10 => $"{bytes / 1024.0:0.0}K",
        _ => $"{bytes}B",
    };
}
