namespace SysUpdate.Core.Pipeline;

/// <summary>What an update is doing right now.</summary>
internal enum UpdatePhase
{
    Discovering,
    MakingRoom,
    Acquiring,
    Installing,
    Done,
}

/// <summary>
/// One progress event: consumed alike by the CLI's progress line, <c>sd_notify</c> and Varlink
/// <c>continues</c> replies.
/// </summary>
/// <param name="Phase">What is happening.</param>
/// <param name="Version">The version being acquired or installed.</param>
/// <param name="TransferId">The transfer this event is about, when one.</param>
/// <param name="TransferIndex">0-based index of that transfer among the enabled ones.</param>
/// <param name="TransferCount">Number of enabled transfers.</param>
/// <param name="BytesDone">Bytes of the payload read so far (as published).</param>
/// <param name="BytesTotal">Payload size as published, when known.</param>
/// <param name="BytesPerSecond">Smoothed read rate of this transfer (<see cref="TransferRateEstimator"/>); null until measurable.</param>
/// <param name="BytesFetched">Delta downloads: image bytes fetched from the chunk store; null for whole downloads.</param>
/// <param name="BytesReused">Delta downloads: image bytes taken from local copies; null for whole downloads.</param>
/// <param name="Remaining">Time left until this transfer is read at the smoothed rate; null when its size or the rate is unknown.</param>
internal sealed record TransferProgress(
    UpdatePhase Phase,
    string Version,
    string? TransferId = null,
    int TransferIndex = 0,
    int TransferCount = 0,
    long BytesDone = 0,
    long? BytesTotal = null,
    double? BytesPerSecond = null,
    long? BytesFetched = null,
    long? BytesReused = null,
    TimeSpan? Remaining = null)
{
    /// <summary>Percentage of this transfer, when the total is known.</summary>
    public int? TransferPercent => BytesTotal is > 0 ? (int)Math.Min(100, BytesDone * 100 / BytesTotal.Value) : null;

    /// <summary>Overall percentage across transfers, as upstream computes it:
    /// ⌊(10000·i/n + 100·p/n)/100⌋.</summary>
    public int OverallPercent => TransferCount == 0 ? (Phase == UpdatePhase.Done ? 100 : 0)
        : (int)((10000L * TransferIndex / TransferCount + 100L * (TransferPercent ?? 0) / TransferCount) / 100);
}
