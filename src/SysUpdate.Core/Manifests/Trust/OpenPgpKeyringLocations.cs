namespace SysUpdate.Core.Manifests.Trust;

/// <summary>
/// Where systemd 262.1 looks for trusted OpenPGP keys: the keyring named by <see cref="EnvironmentVariable"/> alone,
/// else every existing default keyring below the root, consulted together.
/// </summary>
internal sealed class OpenPgpKeyringLocations
{
    /// <summary>Environment variable that names the keyring to use instead of the default ones.</summary>
    public const string EnvironmentVariable = "SYSTEMD_OPENPGP_KEYRING";

    /// <summary>Default keyrings, all of those that exist are consulted together: local, legacy local, vendor (paths below the root directory).</summary>
    public static readonly IReadOnlyList<string> DefaultKeyrings =
    [
        "/etc/systemd/import-pubring.pgp",
        "/etc/systemd/import-pubring.gpg",
        "/usr/lib/systemd/import-pubring.pgp",
    ];

    private readonly string? _root;

    /// <param name="root">Root directory prefix (<c>--root</c>) for the default keyrings; null or "/" for the host.</param>
    /// <param name="keyringOverride">Keyring file to use instead of the default ones (not prefixed with the root).</param>
    public OpenPgpKeyringLocations(string? root, string? keyringOverride)
    {
        _root = string.IsNullOrEmpty(root) || root == "/" ? null : root;
        Override = string.IsNullOrEmpty(keyringOverride) ? null : keyringOverride;
    }

    public string? Override { get; }

    /// <summary>
    /// The keyrings that would be consulted: the explicit keyring alone if given (whether or not it exists), else every
    /// existing file of <see cref="DefaultKeyrings"/> below the root, in that order (possibly none).
    /// </summary>
    public IReadOnlyList<string> Resolve() =>
        Override is not null ? [Override] : [.. DefaultKeyrings.Select(BelowRoot).Where(File.Exists)];

    /// <summary>The default keyring paths below the root, for a message that says where keys were looked for.</summary>
    public IEnumerable<string> DefaultsBelowRoot() => DefaultKeyrings.Select(BelowRoot);

    /// <summary>systemd only accepts an absolute, normalized path in <see cref="EnvironmentVariable"/>.</summary>
    public bool OverrideIsValid() =>
        Override is null ||
        (Override.StartsWith('/') && !Override.Contains("//", StringComparison.Ordinal) &&
         Override.Split('/').All(component => component is not ("." or "..")));

    private string BelowRoot(string path) => _root is null ? path : Path.Join(_root, path);
}
