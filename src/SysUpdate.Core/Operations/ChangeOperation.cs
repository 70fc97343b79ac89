namespace SysUpdate.Core.Operations;

/// <summary>What a change run does with the selected version.</summary>
internal enum ChangeOperation
{
    /// <summary>Download and leave pending (<c>acquire</c>).</summary>
    Acquire,

    /// <summary>Install what an earlier acquire left pending (<c>update --offline</c>, Varlink <c>Install</c>).</summary>
    Install,

    /// <summary>Acquire, then install (<c>update</c>).</summary>
    Update,
}
