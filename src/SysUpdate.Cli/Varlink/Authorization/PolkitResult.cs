namespace SysUpdate.Cli.Varlink.Authorization;

/// <summary>polkit's answer to CheckAuthorization.</summary>
internal enum PolkitResult
{
    Authorized,

    /// <summary>Not authorized now, but would be after authenticating (is_challenge).</summary>
    Challenge,

    NotAuthorized,
}
