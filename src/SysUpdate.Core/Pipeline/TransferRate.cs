namespace SysUpdate.Core.Pipeline;

/// <summary>
/// The smoothed read rate of the transfer being acquired and the time left until it is read, as
/// every progress consumer shows them.
/// </summary>
/// <param name="BytesPerSecond">Smoothed rate; null until a first interval was measured.</param>
/// <param name="Remaining">Time left at that rate; null when the size or the rate is unknown.</param>
internal readonly record struct TransferRate(double? BytesPerSecond, TimeSpan? Remaining)
{
    public static TransferRate Unknown => default;
}
