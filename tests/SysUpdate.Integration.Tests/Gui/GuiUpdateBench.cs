using System.Net.Sockets;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Http;

namespace SysUpdate.Integration.Tests.Gui;

/// <summary>
/// The world the reference GUI is tested in: a root with version 1 installed and booted (os-release's
/// IMAGE_VERSION), version 2 on a paced HTTP server on 127.0.0.1, <c>sysupdate --root=… varlink --listen</c>
/// serving it, and an Xvfb display.
/// </summary>
internal sealed class GuiUpdateBench : IAsyncDisposable
{
    private const int ImageSize = 6 * 1024 * 1024;
    private const long BytesPerSecond = 512 * 1024;   // about 12 s of download: the bar is seen part-way

    private GuiUpdateBench(FaultBench files, WatchedRun service, XvfbDisplay display, string socket)
    {
        Files = files;
        Service = service;
        Display = display;
        Socket = socket;
        Autotest = files.Dir("autotest");
        Screenshots = files.Dir("screenshots");
    }

    public FaultBench Files { get; }

    public WatchedRun Service { get; }

    public XvfbDisplay Display { get; }

    public string Socket { get; }

    /// <summary>Where the GUI's autotest writes progress.json and done.json.</summary>
    public string Autotest { get; }

    public string Screenshots { get; }

    public byte[] Installed { get; } = Payload(1);

    public byte[] Published { get; } = Payload(2);

    public static async Task<GuiUpdateBench> StartAsync()
    {
        var files = await FaultBench.StartAsync(BytesPerSecond);
        WatchedRun? service = null;
        try
        {
            Directory.CreateDirectory(files.InRoot("/srv/app"));
            Directory.CreateDirectory(files.InRoot("/etc"));
            await File.WriteAllTextAsync(files.InRoot("/etc/os-release"), "ID=example\nIMAGE_ID=app\nIMAGE_VERSION=1\n");
            files.WriteTransfer("50-app.transfer", $"""
                [Transfer]
                Verify=no

                [Source]
                Type=url-file
                Path={files.Server.Url}
                MatchPattern=app_@v.img

                [Target]
                Type=regular-file
                Path=/srv/app
                MatchPattern=app_@v.img
                """);
            string socket = files.Combine("sysupdate.sock");
            service = files.Start("varlink", "--listen", socket);
            if (!await service.WaitUntilAsync(() => Accepts(socket)))
                throw new InvalidOperationException($"sysupdate varlink --listen did not serve:\n{string.Join('\n', service.ErrorLines)}");
            var bench = new GuiUpdateBench(files, service, await XvfbDisplay.StartAsync(), socket);
            await File.WriteAllBytesAsync(files.InRoot("/srv/app/app_1.img"), bench.Installed);
            files.Publish("app_2.img", bench.Published);
            return bench;
        }
        catch
        {
            service?.Dispose();
            await files.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the GUI in autotest mode; each SCREENSHOT it asks for is saved as Screenshots/NAME.png.</summary>
    public Task<(int ExitCode, string Output)> RunGuiAsync(params string[] extraArguments) => RunGuiAsync(asNobody: false, extraArguments);

    /// <summary>Runs the GUI as uid 65534: the socket's directory is opened for it and DIR made writable.</summary>
    public Task<(int ExitCode, string Output)> RunGuiAsNobodyAsync()
    {
        File.SetUnixFileMode(Files.Combine(), (UnixFileMode)0x1ED);   // 0755: nobody reaches the socket
        File.SetUnixFileMode(Autotest, (UnixFileMode)0x1FF);          // 0777: and writes its state files
        return RunGuiAsync(asNobody: true, []);
    }

    private Task<(int ExitCode, string Output)> RunGuiAsync(bool asNobody, string[] extraArguments) =>
        ReferenceGuiRun.RunAsync(Socket, Autotest, Display.Name, name =>
            ExternalTool.RunAsync(GuiFactAttribute.Import, ["-display", Display.Name, "-window", "root", Path.Combine(Screenshots, name + ".png")]),
            asNobody, extraArguments);

    public string ServiceLog => string.Join('\n', Service.ErrorLines);

    public async ValueTask DisposeAsync()
    {
        await Display.DisposeAsync();
        Service.Dispose();
        await Files.DisposeAsync();
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
        using var client = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
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
