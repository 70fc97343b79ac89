namespace SysUpdate.Core.Operations;

/// <summary>
/// The drop-in <c>enable-component</c>/<c>disable-component</c> write:
/// <c>/etc/sysupdate.NAME.component.d/50-systemd-sysupdate-enabled.conf</c> below the root.
/// </summary>
internal static class ComponentDropIn
{
    public static string PathFor(string root, string component) =>
        Path.Combine(root, "etc", $"sysupdate.{component}.component.d", EnabledDropIn.FileName);

    public static Task SetAsync(string root, string component, bool enabled, string generatedBy, CancellationToken cancellationToken = default) =>
        EnabledDropIn.SetAsync(PathFor(root, component), "Component", enabled, generatedBy, cancellationToken);
}
