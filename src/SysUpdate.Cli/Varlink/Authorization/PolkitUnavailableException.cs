using SysUpdate.Core;

namespace SysUpdate.Cli.Varlink.Authorization;

/// <summary>polkit could not be asked: no system bus at the address, no polkit on it, or a D-Bus error.</summary>
internal sealed class PolkitUnavailableException(string message, Exception innerException)
    : SysUpdateException(message, innerException);
