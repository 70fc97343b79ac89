namespace SysUpdate.Cli.Varlink.Authorization;

/// <summary>The system bus address as libdbus and sd-bus find it: DBUS_SYSTEM_BUS_ADDRESS, else the well-known socket.</summary>
internal static class SystemBusAddress
{
    public const string Default = "unix:path=/run/dbus/system_bus_socket";

    public static string FromEnvironment() =>
        Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") is { Length: > 0 } address ? address : Default;
}
