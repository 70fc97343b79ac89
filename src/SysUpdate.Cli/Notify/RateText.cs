using System.Globalization;
using SysUpdate.Core.Pipeline;

namespace SysUpdate.Cli.Notify;

/// <summary>How the progress line and <c>STATUS=</c> spell a transfer's smoothed rate and time left
/// ("12.0 MiB/s", "0:31 left"); updatectl spells the Varlink numbers the same way.</summary>
internal static class RateText
{
    /// <summary>", 12.0 MiB/s, 0:31 left", or as much of it as is known (empty until measurable).</summary>
    public static string Suffix(TransferProgress p) =>
        (p.BytesPerSecond is { } rate ? ", " + Rate(rate) : "") + (p.Remaining is { } left ? ", " + Left(left) : "");

    public static string Rate(double bytesPerSecond) => bytesPerSecond switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / (1L << 30):0.0} GiB/s"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / (1L << 20):0.0} MiB/s"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / 1024:0.0} KiB/s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond:0} B/s"),
    };

    /// <summary>"0:31 left", "12:05 left", "2:03:04 left".</summary>
    public static string Left(TimeSpan remaining)
    {
        long seconds = (long)Math.Ceiling(remaining.TotalSeconds);
        return seconds >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00} left")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00} left");
    }
}
