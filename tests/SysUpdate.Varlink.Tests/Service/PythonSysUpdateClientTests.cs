using System.Diagnostics;
using System.Text.Json;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// The python3-varlink reference client (Debian package python3-varlink) against the real
/// <c>sysupdate varlink</c> process: as root it calls every method (Update streamed) and introspects;
/// as another uid (setpriv to nobody) and with no polkit to ask, it may list offline but neither
/// check nor change (polkit's own tests: Authorization/PolkitAuthorizationTests).
/// </summary>
public sealed class PythonSysUpdateClientTests
{
    private const string Python = Prerequisites.Python;

    [PythonSysUpdateClientFact]
    public async Task PythonClient_AsRoot_CallsEveryMethodStreamsUpdateAndIntrospects()
    {
        await using var server = await SysUpdateServer.StartAsync();

        var result = await RunAsync([Python, Script(), server.SocketPath, "all"]);

        Assert.Equal("3", result.GetProperty("checkNew").GetString());
        Assert.Equal(2, result.GetProperty("targets").GetArrayLength());
        Assert.Equal("SysUpdate", result.GetProperty("info").GetProperty("vendor").GetString());
        Assert.Equal(
            ["Acquire", "Busy", "CancelJob", "CheckNew", "Content", "Describe", "Event", "EventType", "Feature", "GetTargetState",
             "GetVersion", "Install", "Job", "JobOrigin", "JobResult", "JobType", "ListFeatures", "ListJobs", "ListTargets",
             "ListVersions", "NoSuchFeature", "NoSuchJob", "NoSuchTarget", "NoSuchVersion", "NoUpdateNeeded", "Progress",
             "SetFeatureEnabled", "Subscribe", "Target", "TargetClass", "TargetIdentifier", "Update", "UpdatePhase", "Vacuum",
             "Version", "WatchJob"],
            result.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("optional", result.GetProperty("features")[0].GetProperty("id").GetString());
        Assert.Equal(["3:candidate", "2:available", "1:available"], result.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("available", result.GetProperty("describe").GetString());
        Assert.Equal("2", result.GetProperty("acquire").GetString());
        Assert.Equal("2", result.GetProperty("install").GetString());
        Assert.Equal("2", result.GetProperty("getVersion").GetString());
        var update = result.GetProperty("update").EnumerateArray().Select(u => u.GetString()).ToList();
        Assert.Equal(["making_room", "acquiring", "installing", "done", "version=3"], update.Distinct());
        Assert.Equal("io.systemd.SysUpdate.NoUpdateNeeded", result.GetProperty("noUpdate").GetString());
        Assert.Equal(0, result.GetProperty("vacuum").GetProperty("disabledTransfers").GetInt32());
        Assert.Equal("io.systemd.SysUpdate.NoSuchTarget", result.GetProperty("noSuchTarget").GetString());
        Assert.Equal("org.varlink.service.InvalidParameter", result.GetProperty("invalidTarget").GetString());
        Assert.True(File.Exists(Path.Combine(server.Destination, "app_3.img")));
        Assert.True(File.Exists(Path.Combine(server.Destination, "opt_3.img")), "the feature enabled over Varlink took effect");
    }

    [PythonSysUpdateClientFact(asOtherUid: true)]
    public async Task PythonClient_AsNobodyWithoutPolkit_MayListOfflineButNotCheckOrChange()
    {
        await using var server = await SysUpdateServer.StartAsync(
            root => SysUpdateServer.WriteBytes(root, "dst/app_1.img", 65536, 1),
            environment: new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=" + Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "no-bus") });
        string script = Path.Combine(server.TempDirectory, "sysupdate_client.py");
        File.Copy(Script(), script);
        File.SetUnixFileMode(script, (UnixFileMode)0x1ED);

        var result = await RunAsync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", Python, script, server.SocketPath, "unprivileged"]);

        Assert.Equal("org.varlink.service.PermissionDenied", result.GetProperty("checkNew").GetString());
        Assert.Equal("org.varlink.service.PermissionDenied", result.GetProperty("listVersionsOnline").GetString());
        Assert.Equal(["1:current"], result.GetProperty("versionsOffline").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(2, result.GetProperty("targets").GetArrayLength());
        Assert.Equal(1, result.GetProperty("features").GetArrayLength());
        Assert.Equal("org.varlink.service.PermissionDenied", result.GetProperty("update").GetString());
        Assert.Equal("org.varlink.service.PermissionDenied", result.GetProperty("vacuum").GetString());
        Assert.Equal("org.varlink.service.PermissionDenied", result.GetProperty("setFeature").GetString());
        Assert.Equal(["app_1.img"], Directory.EnumerateFileSystemEntries(server.Destination).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Path.Combine(server.Root, "etc/sysupdate.d/optional.feature.d")));
    }

    private static string Script([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "sysupdate_client.py");

    private static async Task<JsonElement> RunAsync(string[] command)
    {
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(command[0], command[1..]) { RedirectStandardOutput = true, RedirectStandardError = true },
        };
        process.Start();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"python client failed ({process.ExitCode}): {await stderr}");
        using var document = JsonDocument.Parse(await stdout);
        return document.RootElement.Clone();
    }
}
