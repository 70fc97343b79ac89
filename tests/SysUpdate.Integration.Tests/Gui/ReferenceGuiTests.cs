using System.Globalization;
using System.Text.Json;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;
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

    private static async Task AssertScreenshotsAsync(GuiUpdateBench bench, string keptPrefix)
    {
        string kept = Directory.CreateDirectory(RepoLayout.Path("artifacts/gui-screenshots")).FullName;
        foreach (string name in (string[])["progress", "done"])
        {
            string png = Path.Combine(bench.Screenshots, name + ".png");
            Assert.True(File.Exists(png), $"no {name} screenshot");
            int colours = int.Parse((await ExternalTool.RunAsync(GuiFactAttribute.Identify, ["-format", "%k", png])).Trim(), CultureInfo.InvariantCulture);
            Assert.True(colours > MinimumColours, $"the {name} screenshot has {colours} colours: the window was not on screen");
            File.Copy(png, Path.Combine(kept, keptPrefix + name + ".png"), overwrite: true);
        }
    }
}
