using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Gui;

/// <summary>
/// The reference GUI (examples/gui) on an Xvfb screen against <c>sysupdate varlink --listen</c> with a
/// root that has version 1 installed and booted, and version 2 on a paced HTTP server: in its autotest
/// mode it checks, updates with a partly filled progress bar on screen, and ends at "Restart to
/// finish"; the test takes both screenshots with ImageMagick's <c>import -window root</c>.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReferenceGuiTests(ITestOutputHelper output)
{
    private const int ImageSize = 6 * 1024 * 1024;
    private const long BytesPerSecond = 512 * 1024;   // about 12 s of download: the bar is seen part-way
    private const int MinimumColours = 16;            // a blank or single-colour screen has 1

    [GuiFact]
    public async Task Autotest_CheckUpdate_InstallsShowsProgressAndRestartToFinish()
    {
        await using var bench = await FaultBench.StartAsync(BytesPerSecond);
        byte[] v1 = Payload(1), v2 = Payload(2);
        Directory.CreateDirectory(bench.InRoot("/srv/app"));
        await File.WriteAllBytesAsync(bench.InRoot("/srv/app/app_1.img"), v1);
        Directory.CreateDirectory(bench.InRoot("/etc"));
        await File.WriteAllTextAsync(bench.InRoot("/etc/os-release"), "ID=example\nIMAGE_ID=app\nIMAGE_VERSION=1\n");
        bench.Publish("app_2.img", v2);
        bench.WriteTransfer("50-app.transfer", $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path={bench.Server.Url}
            MatchPattern=app_@v.img

            [Target]
            Type=regular-file
            Path=/srv/app
            MatchPattern=app_@v.img
            """);
        string socket = bench.Combine("sysupdate.sock");
        using var service = bench.Start("varlink", "--listen", socket);
        Assert.True(await service.WaitUntilAsync(() => Accepts(socket)), $"sysupdate varlink --listen did not serve:\n{string.Join('\n', service.ErrorLines)}");
        await using var display = await XvfbDisplay.StartAsync();
        string autotest = bench.Dir("autotest");
        string screenshots = bench.Dir("screenshots");

        var (exitCode, guiOutput) = await ReferenceGuiRun.RunAsync(socket, autotest, display.Name, name =>
            ExternalTool.RunAsync(GuiFactAttribute.Import, ["-display", display.Name, "-window", "root", Path.Combine(screenshots, name + ".png")]));
        output.WriteLine(guiOutput);
        output.WriteLine("service stderr:\n" + string.Join('\n', service.ErrorLines));

        Assert.True(exitCode == 0, $"the GUI's autotest failed (exit {exitCode}):\n{guiOutput}");
        Assert.Equal(v2, await File.ReadAllBytesAsync(bench.InRoot("/srv/app/app_2.img")));
        Assert.Equal(v1, await File.ReadAllBytesAsync(bench.InRoot("/srv/app/app_1.img")));
        Assert.Equal("2", (await bench.ListInstalledAsync()).Current);

        using (var progress = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(autotest, "progress.json"))))
        {
            double fraction = progress.RootElement.GetProperty("fraction").GetDouble();
            Assert.True(fraction is > 0 and < 1, $"the progress screenshot should show a partly filled bar, it showed {fraction}");
            Assert.Contains("Downloading", progress.RootElement.GetProperty("status").GetString());
            Assert.Contains("Time left", progress.RootElement.GetProperty("speed").GetString());
        }
        using (var done = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(autotest, "done.json"))))
        {
            Assert.True(done.RootElement.GetProperty("state").GetProperty("restartPending").GetBoolean());
            Assert.Contains("Installed: 2", done.RootElement.GetProperty("versions").GetString());
        }

        string kept = Directory.CreateDirectory(RepoLayout.Path("artifacts/gui-screenshots")).FullName;
        foreach (string name in (string[])["progress", "done"])
        {
            string png = Path.Combine(screenshots, name + ".png");
            Assert.True(File.Exists(png), $"no {name} screenshot");
            int colours = int.Parse((await ExternalTool.RunAsync(GuiFactAttribute.Identify, ["-format", "%k", png])).Trim(), CultureInfo.InvariantCulture);
            Assert.True(colours > MinimumColours, $"the {name} screenshot has {colours} colours: the window was not on screen");
            File.Copy(png, Path.Combine(kept, "gui-" + name + ".png"), overwrite: true);
        }
    }

    private static byte[] Payload(int seed)
    {
        var bytes = new byte[ImageSize];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static bool Accepts(string socket)
    {
        if (!File.Exists(socket))
            return false;
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            client.Connect(new UnixDomainSocketEndPoint(socket));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
