namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>What the B slots hold after a v1 → v2 update was killed (v1 sits in the A slots throughout).</summary>
public enum CrashState
{
    /// <summary>Nothing visible changed: slot B still free.</summary>
    Untouched,

    /// <summary>usr slot B claimed (label usr_v2, partial type); verity not started.</summary>
    UsrPartial,

    /// <summary>usr slot B pending (complete and verified); verity not started.</summary>
    UsrPending,

    /// <summary>Both B slots pending.</summary>
    BothPending,

    /// <summary>usr slot B installed, verity B still pending.</summary>
    UsrCommitted,
}
