using System.Runtime.InteropServices;

namespace SysUpdate.Varlink.Server;

/// <summary>geteuid(2): the user the server runs as, whose peers are as trusted as root.</summary>
internal static partial class EffectiveUserId
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    internal static partial uint Get();
}
