using System.Globalization;
using System.Text.Json;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;
using SysUpdate.Varlink.Client;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Gui;

/// <summary>
/// The reference GUI (examples/gui) on an Xvfb screen against <c>sysupdate varlink --listen</c> (see
/// <see cref="GuiUpdateBench"/>): in its autotest mode it checks, updates with a partly filled progress
/// bar on screen, and ends at "Restart to finish"; the test takes both screenshots with ImageMagick's
/// <c>import -window root</c> and keeps them in artifacts/gui-screenshots.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReferenceGuiTests(ITestOutputHelper output)
{
    private const int MinimumColours = 16;   // a blank or single-colour screen has 1

    [GuiFact]
    public async Task Autotest_CheckUpdate_InstallsShowsProgressAndRestartToFinish()
    {
        await using var bench = await GuiUpdateBench.StartAsync();

        var (exitCode, guiOutput) = await bench.RunGuiAsync();
        output.WriteLine(guiOutput);
        output.WriteLine("service stderr:\n" + bench.ServiceLog);

        Assert.True(exitCode == 0, $"the GUI's autotest failed (exit {exitCode}):\n{guiOutput}");
        Assert.Contains("AUTOTEST check: update to 2 available", guiOutput);
        await AssertUpdatedAsync(bench);
        await AssertScreenshotsAsync(bench, "gui-");
    }

    [GuiFact]
    public async Task Autotest_UpdateRunningFromCommandLine_PicksItUpFromListJobsAndFollowsItToRestart()
    {
        await using var bench = await GuiUpdateBench.StartAsync();
        using var cli = bench.Files.Start("update");
        long jobId = await WaitForRunningJobAsync(bench.Socket);

        var (exitCode, guiOutput) = await bench.RunGuiAsync();
        output.WriteLine(guiOutput);
        output.WriteLine("service stderr:\n" + bench.ServiceLog);
        (await cli.WaitForExitAsync()).ShouldExit(0);

        Assert.True(exitCode == 0, $"the GUI's autotest failed (exit {exitCode}):\n{guiOutput}");
        Assert.Contains($"AUTOTEST picked up job {jobId}", guiOutput);
        Assert.DoesNotContain("AUTOTEST check:", guiOutput);
        await AssertUpdatedAsync(bench);
        // With the jobs the service has GetTargetState too: "Restart to finish" is its decision, not the GUI's fallback.
        using (var done = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(bench.Autotest, "done.json"))))
        {
            JsonElement state = done.RootElement.GetProperty("state");
            Assert.Equal("GetTargetState", state.GetProperty("source").GetString());
            Assert.Equal("1", state.GetProperty("bootedVersion").GetString());
            Assert.Equal("2", state.GetProperty("newestInstalled").GetString());
        }
        await AssertScreenshotsAsync(bench, "gui-pickup-");
    }

    [GuiFact]
    public async Task AutotestCancel_CancelPressedMidDownload_NothingInstalledAndNoRestart()
    {
        await using var bench = await GuiUpdateBench.StartAsync();

        var (exitCode, guiOutput) = await bench.RunGuiAsync("--autotest-cancel");
        output.WriteLine(guiOutput);
        output.WriteLine("service stderr:\n" + bench.ServiceLog);

        Assert.True(exitCode == 0, $"the GUI's cancel autotest failed (exit {exitCode}):\n{guiOutput}");
        Assert.False(File.Exists(bench.Files.InRoot("/srv/app/app_2.img")), "the cancelled version was installed");
        Assert.Equal(bench.Installed, await File.ReadAllBytesAsync(bench.Files.InRoot("/srv/app/app_1.img")));
        Assert.Equal("1", (await bench.Files.ListInstalledAsync()).Current);
        using var cancelled = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(bench.Autotest, "cancelled.json")));
        Assert.False(cancelled.RootElement.GetProperty("state").GetProperty("restartPending").GetBoolean());
        Assert.Contains("Installed: 1", cancelled.RootElement.GetProperty("versions").GetString());
        await AssertScreenshotsAsync(bench, "gui-cancel-", "progress", "cancelled");
    }

    [GuiFact(asOtherUid: true)]
    public async Task Autotest_AsUnprivilegedUserWithoutPolkit_ShowsTheRefusalAsASentenceAndChangesNothing()
    {
        await using var bench = await GuiUpdateBench.StartAsync();

        var (exitCode, guiOutput) = await bench.RunGuiAsNobodyAsync();
        output.WriteLine(guiOutput);

        Assert.True(exitCode == 1, $"the autotest should stop at the refusal (exit 1), got {exitCode}:\n{guiOutput}");
        using var error = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(bench.Autotest, "error.json")));
        string? name = error.RootElement.GetProperty("name").GetString();
        Assert.True(name is "org.varlink.service.PermissionDenied" or "io.systemd.InteractiveAuthenticationRequired", $"refused with {name}");
        string text = error.RootElement.GetProperty("text").GetString()!;
        Assert.True(text.Length > 0 && !text.Contains(name!, StringComparison.Ordinal), $"the window should explain {name} in words, it showed: {text}");
        Assert.False(File.Exists(bench.Files.InRoot("/srv/app/app_2.img")), "an unprivileged caller installed an update");
        Assert.Equal("1", (await bench.Files.ListInstalledAsync()).Current);
        await AssertScreenshotsAsync(bench, "gui-refused-", "error");
    }

    /// <summary>The id of the job ListJobs reports running (the command line's update), once it does.</summary>
    private static async Task<long> WaitForRunningJobAsync(string socket)
    {
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await using (var client = await VarlinkClient.ConnectAsync(socket, hang.Token))
            {
                JsonElement reply = await client.CallAsync("io.systemd.SysUpdate.ListJobs", cancellationToken: hang.Token);
                foreach (JsonElement job in reply.GetProperty("jobs").EnumerateArray())
                {
                    if (!job.TryGetProperty("result", out var result) || result.ValueKind == JsonValueKind.Null)
                        return job.GetProperty("id").GetInt64();
                }
            }
            await Task.Delay(100, hang.Token);
        }
    }

    private static async Task AssertUpdatedAsync(GuiUpdateBench bench)
    {
        Assert.Equal(bench.Published, await File.ReadAllBytesAsync(bench.Files.InRoot("/srv/app/app_2.img")));
        Assert.Equal(bench.Installed, await File.ReadAllBytesAsync(bench.Files.InRoot("/srv/app/app_1.img")));
        Assert.Equal("2", (await bench.Files.ListInstalledAsync()).Current);

        using (var progress = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(bench.Autotest, "progress.json"))))
        {
            double fraction = progress.RootElement.GetProperty("fraction").GetDouble();
            Assert.True(fraction is > 0 and < 1, $"the progress screenshot should show a partly filled bar, it showed {fraction}");
            Assert.Contains("Downloading", progress.RootElement.GetProperty("status").GetString());
            Assert.Contains("Time left", progress.RootElement.GetProperty("speed").GetString());
        }
        using var done = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(bench.Autotest, "done.json")));
        Assert.True(done.RootElement.GetProperty("state").GetProperty("restartPending").GetBoolean());
        Assert.Contains("Installed: 2", done.RootElement.GetProperty("versions").GetString());
    }

    private static async Task AssertScreenshotsAsync(GuiUpdateBench bench, string keptPrefix, params string[] names)
    {
        string kept = Directory.CreateDirectory(RepoLayout.Path("artifacts/gui-screenshots")).FullName;
        foreach (string name in names.Length > 0 ? names : ["progress", "done"])
        {
            string png = Path.Combine(bench.Screenshots, name + ".png");
            Assert.True(File.Exists(png), $"no {name} screenshot");
            int colours = int.Parse((await ExternalTool.RunAsync(GuiFactAttribute.Identify, ["-format", "%k", png])).Trim(), CultureInfo.InvariantCulture);
            Assert.True(colours > MinimumColours, $"the {name} screenshot has {colours} colours: the window was not on screen");
            File.Copy(png, Path.Combine(kept, keptPrefix + name + ".png"), overwrite: true);
        }
    }
}
