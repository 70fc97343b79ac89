using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Arm64;

/// <summary>
/// The linux-arm64 <c>sysupdate</c> (<c>$SYSUPDATE_ARM64_BIN</c>, published by tests/run-all.sh) run under
/// Debian's <c>qemu-aarch64-static</c> with the arm64 libraries installed multiarch under <c>/</c>.
/// <see cref="UnavailableReason"/> says why it can't run here, or is null.
/// </summary>
internal static class QemuAarch64
{
    private const string BinaryVariable = "SYSUPDATE_ARM64_BIN";
    private const string ArmLoader = "/lib/ld-linux-aarch64.so.1";

    private static readonly string[] RuntimeLibraries =
    [
        "/usr/lib/aarch64-linux-gnu/libssl.so.3", // the runtime's hashing (System.Security.Cryptography)
        "/usr/lib/aarch64-linux-gnu/libzstd.so.1",
        "/usr/lib/aarch64-linux-gnu/liblzma.so.5",
    ];

    private static readonly string[] CompressTools = ["xz", "zstd"];

    public static string? Emulator { get; } = FindOnPath("qemu-aarch64-static");

    public static string? Binary { get; } =
        Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } path ? path : null;

    public static string? UnavailableReason { get; } = Probe();

    /// <summary>
    /// A <see cref="SysUpdateProcess"/> whose executable is a script in <paramref name="directory"/> that
    /// execs the arm64 binary under qemu, so every argument and the environment pass through unchanged.
    /// </summary>
    public static SysUpdateProcess CreateProcess(string directory)
    {
        if (UnavailableReason is { } reason)
            throw new InvalidOperationException(reason);
        var script = Path.Combine(directory, "sysupdate-arm64");
        File.WriteAllText(script, $"#!/bin/sh\nexec '{Emulator}' -L / '{Binary}' \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        // The first run under qemu translates the runtime's startup code: allow far more than a native run.
        return new SysUpdateProcess(script) { Timeout = TimeSpan.FromMinutes(5) };
    }

    private static string? Probe()
    {
        if (Binary is null)
            return $"{BinaryVariable} is not set (tests/run-all.sh publishes linux-arm64 and sets it)";
        if (!File.Exists(Binary))
            return $"{BinaryVariable} points at a missing file: {Binary}";
        if (Emulator is null)
            return "qemu-aarch64-static is not installed (tests/run-all.sh installs qemu-user-static as root)";
        if (!File.Exists(ArmLoader))
            return $"{ArmLoader} is missing: install libc6:arm64 (tests/run-all.sh does, as root)";
        if (RuntimeLibraries.FirstOrDefault(l => !File.Exists(l)) is { } lib)
            return $"{lib} is missing: install the arm64 runtime and codec libraries (tests/run-all.sh does, as root)";
        if (CompressTools.FirstOrDefault(t => FindOnPath(t) is null) is { } tool)
            return $"{tool} is not installed (needed to publish compressed payloads)";
        return null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
