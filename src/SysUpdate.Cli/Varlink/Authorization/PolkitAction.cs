namespace SysUpdate.Cli.Varlink.Authorization;

/// <summary>The polkit action ids of systemd's sysupdated, so distributions' rules for them apply to us too.</summary>
internal static class PolkitAction
{
    public const string Check = "org.freedesktop.sysupdate1.check";
    public const string Update = "org.freedesktop.sysupdate1.update";
    public const string UpdateToVersion = "org.freedesktop.sysupdate1.update-to-version";
    public const string Vacuum = "org.freedesktop.sysupdate1.vacuum";
    public const string ManageFeatures = "org.freedesktop.sysupdate1.manage-features";
}
