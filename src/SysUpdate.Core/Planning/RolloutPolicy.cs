namespace SysUpdate.Core.Planning;

/// <summary>Whether the manifests' staged-rollout entries decide what this run is offered
/// (<c>--rollout=</c>, <c>SYSTEMD_SYSUPDATE_ROLLOUT=</c>).</summary>
internal enum RolloutPolicy
{
    /// <summary>A version outside this machine's share is held back.</summary>
    Honour,

    /// <summary>Every version is offered as if it were rolled out to all (for testing a release).</summary>
    Ignore,
}

internal static class RolloutPolicyText
{
    public const string EnvironmentVariable = "SYSTEMD_SYSUPDATE_ROLLOUT";

    /// <summary><c>--rollout=</c> when given, else the environment variable, else <see cref="RolloutPolicy.Honour"/>.</summary>
    /// <exception cref="SysUpdateException">The environment variable holds something else than honour or ignore.</exception>
    public static RolloutPolicy Resolve(RolloutPolicy? option, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (option is { } given)
            return given;
        string? text = environment(EnvironmentVariable);
        if (string.IsNullOrEmpty(text))
            return RolloutPolicy.Honour;
        if (!TryParse(text, out var policy))
            throw new SysUpdateException($"Failed to parse ${EnvironmentVariable}='{text}' (expected honour or ignore).") { Errno = Errno.EINVAL };
        return policy;
    }

    public static bool TryParse(string? text, out RolloutPolicy policy)
    {
        switch (text)
        {
            case "honour" or "honor" or "yes":
                policy = RolloutPolicy.Honour;
                return true;
            case "ignore" or "no":
                policy = RolloutPolicy.Ignore;
                return true;
            default:
                policy = RolloutPolicy.Honour;
                return false;
        }
    }
}
