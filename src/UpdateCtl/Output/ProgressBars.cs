using System.Globalization;
using System.Text;
using System.Text.Json;

namespace UpdateCtl.Output;

/// <summary>
/// Progress of one or more running updates on stderr, with the service's smoothed rate and time left
/// (<c>bytesPerSecond</c>, <c>etaSeconds</c>) once it has measured them. On a terminal: one bar per
/// target plus a total, redrawn in place (at most ten times a second). Otherwise: a plain line whenever
/// a target's phase changes, its percentage crosses a ten-percent step, or (while the rate is known)
/// <see cref="PlainLineInterval"/> has passed.
/// </summary>
internal sealed class ProgressBars(TextWriter error, bool interactive, IReadOnlyList<string> targets, TimeProvider? clock = null)
{
    private const int BarWidth = 30;
    private static readonly TimeSpan PlainLineInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private readonly Lock _lock = new();
    private readonly string[] _labels = targets.Select(_ => "waiting").ToArray();
    private readonly int[] _percent = new int[targets.Count];
    private readonly string?[] _lastPhase = new string?[targets.Count];
    private readonly int[] _lastStep = Enumerable.Repeat(-1, targets.Count).ToArray();
    private readonly int _width = targets.Count == 0 ? 0 : targets.Max(t => t.Length);
    private readonly long[] _lastLine = new long[targets.Count];
    private int _drawnLines;
    private long _lastDraw;

    /// <summary>Shows one <c>Progress</c> object of a Varlink reply (Update's or a watched job's).</summary>
    public void Report(int index, JsonElement progress)
    {
        string phase = progress.GetProperty("phase").GetString()!.Replace('_', ' ');
        string? transfer = progress.TryGetProperty("transfer", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        string detail = $"{progress.GetProperty("version").GetString()}{(transfer is null ? "" : " " + transfer)}";
        Report(index, phase, detail, progress.GetProperty("percent").GetInt32(),
            OptionalInt64(progress, "bytesPerSecond"), OptionalInt64(progress, "etaSeconds"));
    }

    public void Report(int index, string phase, string? detail, int percent, long? bytesPerSecond = null, long? etaSeconds = null)
    {
        lock (_lock)
        {
            string rate = RateText(bytesPerSecond, etaSeconds);
            _labels[index] = (detail is null ? phase : $"{phase} {detail}") + (rate.Length == 0 ? "" : $" ({rate})");
            _percent[index] = Math.Clamp(percent, 0, 100);
            long now = _clock.GetTimestamp();
            if (interactive)
            {
                if (_clock.GetElapsedTime(_lastDraw, now) < RedrawInterval && percent < 100 && phase == _lastPhase[index])
                {
                    _lastPhase[index] = phase;
                    return;
                }
                _lastPhase[index] = phase;
                _lastDraw = now;
                Draw();
                return;
            }
            int step = percent / 10;
            if (phase != _lastPhase[index] || step != _lastStep[index]
                || (bytesPerSecond is not null && _clock.GetElapsedTime(_lastLine[index], now) >= PlainLineInterval))
            {
                _lastPhase[index] = phase;
                _lastStep[index] = step;
                _lastLine[index] = now;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{targets[index]}: {(detail is null ? phase : $"{phase} {detail}")} {percent}%{(rate.Length == 0 ? "" : $" ({rate})")}"));
            }
        }
    }

    /// <summary>"12.0 MiB/s, 0:31 left" as sysupdate's own progress line and STATUS= spell it; as much as is
    /// known, empty until measured.</summary>
    internal static string RateText(long? bytesPerSecond, long? etaSeconds) =>
        string.Join(", ", new[] { bytesPerSecond is { } rate ? Rate(rate) : null, etaSeconds is { } eta ? Left(eta) : null }.OfType<string>());

    private static string Rate(double bytesPerSecond) => bytesPerSecond switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / (1L << 30):0.0} GiB/s"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / (1L << 20):0.0} MiB/s"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / 1024:0.0} KiB/s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond:0} B/s"),
    };

    private static string Left(long seconds) => seconds >= 3600
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00} left")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00} left");

    private static long? OptionalInt64(JsonElement o, string name) =>
        o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : null;

    /// <summary>Marks a target finished with a final word ("Done", "Already up-to-date", an error).</summary>
    public void Finish(int index, string message, bool success)
    {
        lock (_lock)
        {
            _labels[index] = message;
            if (success)
                _percent[index] = 100;
            if (interactive)
                Draw();
        }
    }

    private void Draw()
    {
        var sb = new StringBuilder();
        if (_drawnLines > 0)
            sb.Append(CultureInfo.InvariantCulture, $"\x1b[{_drawnLines}A");
        for (int i = 0; i < targets.Count; i++)
            sb.Append('\r').Append("\x1b[K").Append(Line(targets[i], _percent[i], _labels[i])).Append('\n');
        int lines = targets.Count;
        if (targets.Count > 1)
        {
            sb.Append('\r').Append("\x1b[K").Append(Line("Total", (int)_percent.Average(), "")).Append('\n');
            lines++;
        }
        _drawnLines = lines;
        error.Write(sb.ToString());
        error.Flush();
    }

    private string Line(string name, int percent, string label)
    {
        int filled = percent * BarWidth / 100;
        return string.Create(CultureInfo.InvariantCulture,
            $"{name.PadRight(Math.Max(_width, 5))} [{new string('#', filled)}{new string('-', BarWidth - filled)}] {percent,3}% {label}");
    }
}
