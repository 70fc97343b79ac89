using System.Globalization;
using System.Text;

namespace UpdateCtl.Output;

/// <summary>
/// Progress of one or more running updates on stderr. On a terminal: one bar per target plus a total,
/// redrawn in place (at most ten times a second). Otherwise: a plain line whenever a target's phase
/// changes or its percentage crosses a ten-percent step.
/// </summary>
internal sealed class ProgressBars(TextWriter error, bool interactive, IReadOnlyList<string> targets)
{
    private const int BarWidth = 30;

    private readonly Lock _lock = new();
    private readonly string[] _labels = targets.Select(_ => "waiting").ToArray();
    private readonly int[] _percent = new int[targets.Count];
    private readonly string?[] _lastPhase = new string?[targets.Count];
    private readonly int[] _lastStep = Enumerable.Repeat(-1, targets.Count).ToArray();
    private readonly int _width = targets.Count == 0 ? 0 : targets.Max(t => t.Length);
    private int _drawnLines;
    private long _lastDraw;

    public void Report(int index, string phase, string? detail, int percent)
    {
        lock (_lock)
        {
            _labels[index] = detail is null ? phase : $"{phase} {detail}";
            _percent[index] = Math.Clamp(percent, 0, 100);
            if (interactive)
            {
                long now = Environment.TickCount64;
                if (now - _lastDraw < 100 && percent < 100 && phase == _lastPhase[index])
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
            if (phase != _lastPhase[index] || step != _lastStep[index])
            {
                _lastPhase[index] = phase;
                _lastStep[index] = step;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{targets[index]}: {_labels[index]} {percent}%"));
            }
        }
    }

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
