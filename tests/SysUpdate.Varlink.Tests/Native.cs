using System.Runtime.InteropServices;

namespace SysUpdate.Varlink.Tests;

internal static partial class Native
{
    [DllImport("libc", EntryPoint = "getuid")]
    public static extern uint GetUid();

    [DllImport("libc", EntryPoint = "getgid")]
    public static extern uint GetGid();

    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    public static extern int Dup(int fd);
}
