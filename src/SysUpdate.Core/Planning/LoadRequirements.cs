namespace SysUpdate.Core.Planning;

/// <summary>What a verb needs from the definitions before it can run.</summary>
[Flags]
internal enum LoadRequirements
{
    None = 0,
    /// <summary>At least one enabled transfer.</summary>
    EnabledTransfers = 1,
    /// <summary>At least one transfer (enabled or not).</summary>
    AnyTransfers = 2,
    /// <summary>The component is not disabled.</summary>
    EnabledComponent = 4,
    /// <summary>The run changes targets: take the run lock of every target (enabled or not) before
    /// reading what is installed, and hold it until the context is disposed.</summary>
    LockTargets = 8,
}
