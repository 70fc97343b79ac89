using SysUpdate.Varlink.Tests.Service;

namespace SysUpdate.Varlink.Tests.Authorization;

/// <summary>
/// The system users the polkit tests run clients as, created when missing (never removed: other test
/// runs may be using them). Creation is serialized in this process and checked by lookup afterwards,
/// so a concurrent creator elsewhere ("already exists") does no harm.
/// </summary>
internal static class TestUsers
{
    public const string UserAdd = "/usr/sbin/useradd";
    public const string Allowed = "sysupdate-test-allowed";
    public const string Denied = "sysupdate-test-denied";

    private static readonly SemaphoreSlim Lock = new(1, 1);

    /// <summary>The uid of <paramref name="name"/>, creating the user first if needed.</summary>
    public static async Task<int> EnsureAsync(string name)
    {
        await Lock.WaitAsync();
        try
        {
            if (await LookUpAsync(name) is { } existing)
                return existing;
            var added = await ProcessRunner.RunAsync(UserAdd, ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name]);
            return await LookUpAsync(name)
                ?? throw new InvalidOperationException($"useradd {name} exited {added.ExitCode}: {added.Stderr}");
        }
        finally
        {
            Lock.Release();
        }
    }

    private static async Task<int?> LookUpAsync(string name)
    {
        var id = await ProcessRunner.RunAsync("/usr/bin/id", ["-u", name]);
        return id.ExitCode == 0 ? int.Parse(id.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
