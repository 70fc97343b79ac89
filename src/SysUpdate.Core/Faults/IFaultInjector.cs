namespace SysUpdate.Core.Faults;

/// <summary>
/// The seam crash tests use to stop an update at a <see cref="CrashStep"/>. Only tests pass one in
/// (<see cref="SysUpdateOptions.Faults"/>); the product leaves it null and never calls it.
/// </summary>
internal interface IFaultInjector
{
    /// <summary>The update has reached <paramref name="step"/>; may not return.</summary>
    void Reached(CrashStep step);

    /// <summary>The decoded payload as it is about to be written to a slot; returns the stream to write
    /// from (<paramref name="payload"/> itself to leave it alone).</summary>
    /// <param name="expectedLength">The payload size when known in advance.</param>
    Stream WrapPayload(Stream payload, long? expectedLength);
}
