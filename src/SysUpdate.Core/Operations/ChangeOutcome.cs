using SysUpdate.Core.Planning;

namespace SysUpdate.Core.Operations;

/// <summary>What a change run did: the set it acquired or installed (null: nothing to do), and the
/// install result when it installed.</summary>
internal sealed record ChangeOutcome(UpdateSet? Set, UpdateOperations.Installed? Installed)
{
    public static ChangeOutcome Nothing { get; } = new(null, null);
}
