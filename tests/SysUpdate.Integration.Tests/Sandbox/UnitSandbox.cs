namespace SysUpdate.Integration.Tests.Sandbox;

/// <summary>
/// The sandboxing settings of a service unit and its drop-ins (read in order, a later assignment
/// wins, as systemd reads them) that can be applied to a process without PID 1. A sandboxing key
/// this type does not know makes <see cref="Load"/> throw, so that a new setting in upstream's
/// units is noticed rather than silently left out of the test.
/// </summary>
internal sealed record UnitSandbox(
    bool MemoryDenyWriteExecute,
    bool NoNewPrivileges,
    IReadOnlyList<string>? CapabilityBoundingSet,
    string? SystemCallFilter,
    string SystemCallErrorNumber,
    bool LockPersonality,
    bool RestrictRealtime,
    IReadOnlyList<string>? RestrictNamespaces,
    IReadOnlyList<string>? RestrictAddressFamilies)
{
    /// <summary>Keys that are not sandboxing at all (scheduling priorities restrict no system call or resource).</summary>
    private static readonly HashSet<string> NotSandboxing = new(StringComparer.Ordinal)
    {
        "ExecStart", "Type", "NotifyAccess", "StandardInput", "StandardOutput", "StandardError",
        "CPUSchedulingPolicy", "IOSchedulingClass",
    };

    /// <summary>Keys that need PID 1 (mount or UTS namespaces set up by the service manager); the
    /// binary's behaviour under them is covered by nothing here, and they do not touch what MDWE breaks.</summary>
    private static readonly HashSet<string> NeedsServiceManager = new(StringComparer.Ordinal)
    {
        "PrivateTmp", "ProtectHome", "ProtectProc", "ProtectClock", "ProtectKernelLogs", "ProtectKernelModules",
        "ProtectHostname", "RestrictSUIDSGID",
    };

    public static UnitSandbox Load(string unit, params string[] dropIns)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in (string[])[unit, .. dropIns])
            ReadService(file, values);

        foreach (string key in values.Keys)
        {
            if (!NotSandboxing.Contains(key) && !NeedsServiceManager.Contains(key) && !Known.Contains(key))
                throw new InvalidOperationException($"{unit} (or a drop-in) sets {key}=, which this test does not know how to apply");
        }
        if (values.TryGetValue("SystemCallArchitectures", out string? architectures) && architectures != "native")
            throw new InvalidOperationException($"SystemCallArchitectures={architectures} is not applied by this test");

        return new UnitSandbox(
            Boolean(values, "MemoryDenyWriteExecute"),
            Boolean(values, "NoNewPrivileges"),
            List(values, "CapabilityBoundingSet"),
            values.GetValueOrDefault("SystemCallFilter"),
            values.GetValueOrDefault("SystemCallErrorNumber") ?? "EPERM",
            Boolean(values, "LockPersonality"),
            Boolean(values, "RestrictRealtime"),
            List(values, "RestrictNamespaces"),
            List(values, "RestrictAddressFamilies"));
    }

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "MemoryDenyWriteExecute", "NoNewPrivileges", "CapabilityBoundingSet", "SystemCallFilter", "SystemCallErrorNumber",
        // Every seccomp filter the launcher loads covers the native architecture only, as this setting asks.
        "SystemCallArchitectures",
        "LockPersonality", "RestrictRealtime", "RestrictNamespaces", "RestrictAddressFamilies",
    };

    private static void ReadService(string file, Dictionary<string, string> values)
    {
        bool inService = false;
        foreach (string raw in File.ReadLines(file))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            if (line[0] == '[')
            {
                inService = line == "[Service]";
                continue;
            }
            int equals = line.IndexOf('=');
            if (inService && equals > 0)
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }
    }

    private static bool Boolean(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out string? text) && text is "yes" or "true" or "on" or "1";

    private static IReadOnlyList<string>? List(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out string? text) ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries) : null;
}
