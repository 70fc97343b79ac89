using SysUpdate.Core.Config;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Planning;

/// <summary>
/// The versions a transfer accepts: none older than <c>MinVersion=</c> (obsolete) and none newer than
/// <c>MaxVersion=</c> (too new). Both bounds are inclusive. A filter of its own so that other rules on
/// candidate versions compose with it instead of growing the planner.
/// </summary>
internal readonly record struct VersionBounds(string? MinVersion, string? MaxVersion)
{
    public static VersionBounds Of(Transfer transfer) => new(transfer.MinVersion, transfer.MaxVersion);

    /// <summary><see cref="UpdateSetFlags.Obsolete"/>, <see cref="UpdateSetFlags.TooNew"/> or nothing.</summary>
    public UpdateSetFlags Classify(string version)
    {
        if (MinVersion is { } min && VersionComparer.Compare(min, version) > 0)
            return UpdateSetFlags.Obsolete;
        if (MaxVersion is { } max && VersionComparer.Compare(version, max) > 0)
            return UpdateSetFlags.TooNew;
        return UpdateSetFlags.None;
    }
}
