namespace SysUpdate.Varlink;

/// <summary>Names of the standard errors of <c>org.varlink.service</c> and the systemd generic ones.</summary>
internal static class VarlinkErrors
{
    public const string InterfaceNotFound = "org.varlink.service.InterfaceNotFound";
    public const string MethodNotFound = "org.varlink.service.MethodNotFound";
    public const string MethodNotImplemented = "org.varlink.service.MethodNotImplemented";
    public const string InvalidParameter = "org.varlink.service.InvalidParameter";
    public const string PermissionDenied = "org.varlink.service.PermissionDenied";
    public const string ExpectedMore = "org.varlink.service.ExpectedMore";

    /// <summary>systemd's generic failure: parameters <c>errno</c> (int) and <c>errnoName</c> (string).</summary>
    public const string SystemError = "io.systemd.System";

    /// <summary>systemd's answer when authorization would need the user to authenticate but the call did
    /// not set <c>allowInteractiveAuthentication</c>.</summary>
    public const string InteractiveAuthenticationRequired = "io.systemd.InteractiveAuthenticationRequired";
}
