namespace SysUpdate.Core.Faults;

/// <summary>
/// The steps of a partition update at which a crash test stops the process (as a power loss would),
/// in the order an update passes them. Reported to an <see cref="IFaultInjector"/>; the product passes none.
/// </summary>
internal enum CrashStep
{
    /// <summary>A free slot was chosen; its table entry is not yet written.</summary>
    BeforeMarkPartial,

    /// <summary>The slot carries the new label and the partial type; no payload byte written.</summary>
    AfterMarkPartial,

    /// <summary>Part of the payload is written. Never passed to <see cref="IFaultInjector.Reached"/>: an
    /// injector stops here through the stream <see cref="IFaultInjector.WrapPayload"/> returns.</summary>
    MidPayload,

    /// <summary>The whole payload is written and verified; the slot is still partial.</summary>
    AfterPayload,

    /// <summary>The slot is marked pending.</summary>
    AfterMarkPending,

    /// <summary>About to give a pending slot its final label and configured type.</summary>
    BeforeCommit,

    /// <summary>The slot is installed.</summary>
    AfterCommit,

    /// <summary>Inside the table write that marks a slot partial: backup table written, primary not.</summary>
    MarkPartialBetweenTableWrites,

    /// <summary>Inside the table write that marks a slot pending: backup table written, primary not.</summary>
    MarkPendingBetweenTableWrites,

    /// <summary>Inside the table write that commits a slot: backup table written, primary not.</summary>
    CommitBetweenTableWrites,

    /// <summary>Inside the table write that frees a slot (vacuum, or a slot given back): backup table written, primary not.</summary>
    VacuumBetweenTableWrites,
}
