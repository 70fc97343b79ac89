using SysUpdate.Core.Faults;

namespace SysUpdate.Core;

/// <summary>Everything the command line (or a Varlink call) decides about one run.</summary>
internal sealed record SysUpdateOptions
{
    /// <summary><c>--root</c>; "/" for the host.</summary>
    public string Root { get; init; } = "/";

    /// <summary>True when <c>--root</c> was given explicitly (notifications are only sent for the host).</summary>
    public bool RootIsExplicit { get; init; }

    public string? DefinitionsDirectory { get; init; }

    public string? Component { get; init; }

    public string? TransferSource { get; init; }

    /// <summary><c>--instances-max</c>; null when not given.</summary>
    public ulong? InstancesMax { get; init; }

    public bool Sync { get; init; } = true;

    /// <summary><c>--verify</c>; null means per transfer.</summary>
    public bool? Verify { get; init; }

    public bool Offline { get; init; }

    /// <summary><c>--rate-limit=</c>: bytes per second for all downloads of the run (0 unlimited); null when not given,
    /// then <c>SYSTEMD_SYSUPDATE_RATE_LIMIT</c>, then the transfers' <c>RateLimit=</c> decide.</summary>
    public long? RateLimit { get; init; }

    /// <summary><c>--server=</c>: what <c>%R</c> in <c>Path=</c> and <c>Mirror=</c> stands for; null when not given, then
    /// <c>SYSTEMD_SYSUPDATE_SERVER</c>, then <c>Server=</c> in <c>sysupdate.conf</c> decide (<see cref="Config.UpdateServer"/>).</summary>
    public string? Server { get; init; }

    public bool? Cleanup { get; init; }

    /// <summary><c>--rollout=</c>; null when not given, then <c>SYSTEMD_SYSUPDATE_ROLLOUT</c> decides (default honour).</summary>
    public Planning.RolloutPolicy? Rollout { get; init; }

    public bool Reboot { get; init; }

    /// <summary>How long a change waits for another process's run on the same target before it fails
    /// with "another update of … is running" (the CLI waits, the Varlink service answers Busy at once).</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where run lock files live; null for <c>/run/lock/sysupdate</c> (tests pass their own).</summary>
    public string? LockDirectory { get; init; }

    /// <summary>Environment lookup (injected so tests and the Varlink server control it).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Crash tests' seam (a test-only host passes one in); null in the product.</summary>
    public IFaultInjector? Faults { get; init; }
}
