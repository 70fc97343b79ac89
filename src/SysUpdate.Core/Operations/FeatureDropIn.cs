using SysUpdate.Core.Config;

namespace SysUpdate.Core.Operations;

/// <summary>
/// The <c>50-systemd-sysupdate-enabled.conf</c> drop-in that <c>enable-feature</c>/<c>disable-feature</c>
/// and Varlink <c>SetFeatureEnabled</c> write below the writable definitions directory.
/// </summary>
internal static class FeatureDropIn
{
    public const string FileName = EnabledDropIn.FileName;

    public static string PathFor(Definitions definitions, string feature) =>
        Path.Combine(definitions.Directories.WritableDirectory, feature + ".feature.d", FileName);

    /// <summary>Writes <c>Enabled=yes|no</c>, or with null removes the drop-in (back to the feature's default).</summary>
    public static Task SetAsync(Definitions definitions, string feature, bool? enabled, string generatedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return EnabledDropIn.SetAsync(PathFor(definitions, feature), "Feature", enabled, generatedBy, cancellationToken);
    }
}
