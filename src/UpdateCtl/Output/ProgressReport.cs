using System.Text.Json;

namespace UpdateCtl.Output;

/// <summary>Hands one <c>Progress</c> value of a reply to the bars: phase, version and transfer, percent.</summary>
internal static class ProgressReport
{
    public static void Send(ProgressBars bars, int index, JsonElement progress)
    {
        string phase = progress.GetProperty("phase").GetString()!.Replace('_', ' ');
        string? transfer = progress.TryGetProperty("transfer", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        string detail = $"{progress.GetProperty("version").GetString()}{(transfer is null ? "" : " " + transfer)}";
        bars.Report(index, phase, detail, progress.GetProperty("percent").GetInt32());
    }
}
