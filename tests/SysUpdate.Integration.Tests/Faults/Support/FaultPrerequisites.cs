namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>What the fault tests need from the machine, each as "null when present, else why not".</summary>
internal static class FaultPrerequisites
{
    public const string SocketActivate = "/usr/bin/systemd-socket-activate";

    public static readonly string? SocketActivateMissing =
        File.Exists(SocketActivate) ? null : $"{SocketActivate} is not installed (apt-get install -y systemd)";

    public static readonly string? GpgMissing =
        Which("gpg") is null ? "gpg is not installed (apt-get install -y gnupg)" : null;

    public static readonly string? NotRoot =
        Environment.IsPrivilegedProcess ? null : $"needs root to mount a tmpfs (running as {Environment.UserName})";

    /// <summary>The first <paramref name="name"/> on PATH, or null.</summary>
    public static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
