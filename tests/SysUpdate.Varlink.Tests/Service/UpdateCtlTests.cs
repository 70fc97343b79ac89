namespace SysUpdate.Varlink.Tests.Service;

/// <summary>The real <c>updatectl</c> against the real <c>sysupdate varlink --listen</c>.</summary>
public sealed class UpdateCtlTests
{
    [UpdateCtlAndServiceFact]
    public async Task Update_AgainstListeningService_ShowsProgressAndInstallsNewest()
    {
        string updatectl = ServiceBinaries.UpdateCtl!;
        // Version 4 is 8 MiB so there are progress steps to show.
        await using var server = await SysUpdateServer.StartAsync(root =>
        {
            SysUpdateServer.WriteBytes(root, "src/app_4.img", 8 << 20, 4);
            SysUpdateServer.WriteBytes(root, "src/opt_4.img", 1000, 4);
        });
        Task<(int, string, string)> Run(params string[] arguments) => ProcessRunner.RunAsync(updatectl, ["--socket", server.SocketPath, .. arguments]);

        var (checkExit, checkOut, _) = await Run("check");
        Assert.Equal(0, checkExit);
        Assert.Contains("host", checkOut, StringComparison.Ordinal);
        Assert.Contains("4", checkOut, StringComparison.Ordinal);
        Assert.Contains("component:extra", checkOut, StringComparison.Ordinal);

        var (exit, stdout, stderr) = await Run("update", "host");
        Assert.True(exit == 0, stderr);
        Assert.Contains("host: acquiring 4 50-app 0%", stderr, StringComparison.Ordinal);
        Assert.Contains("host: acquiring 4 50-app 50%", stderr, StringComparison.Ordinal);
        Assert.Contains("host: installing 4 100%", stderr, StringComparison.Ordinal);
        Assert.Contains("host: Installed 4", stdout, StringComparison.Ordinal);
        Assert.EndsWith("Done.\n", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(server.Destination, "app_4.img")));

        var (_, listOut, _) = await Run("list", "host");
        Assert.Contains("● 4       current", listOut, StringComparison.Ordinal);
        var (_, targetsOut, _) = await Run("list");
        Assert.Contains("host            4", targetsOut, StringComparison.Ordinal);
        var (_, describeOut, _) = await Run("list", "host@4");
        Assert.Contains(Path.Combine(server.Destination, "app_4.img"), describeOut, StringComparison.Ordinal);

        var (againExit, againOut, _) = await Run("update", "host");
        Assert.Equal(0, againExit);
        Assert.Contains("host: Already up-to-date", againOut, StringComparison.Ordinal);

        var (enableExit, enableOut, enableErr) = await Run("enable", "optional", "--now");
        Assert.True(enableExit == 0, enableOut + enableErr);
        Assert.Contains("Feature 'optional' enabled.", enableOut, StringComparison.Ordinal);
        Assert.Contains("host: Installed 4", enableOut, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(server.Destination, "opt_4.img")), "enable --now installs the feature's transfer for the current version");
        var (_, featuresOut, _) = await Run("features");
        Assert.Contains("● optional Optional bits", featuresOut, StringComparison.Ordinal);

        var (vacuumExit, vacuumOut, _) = await Run("vacuum", "host");
        Assert.Equal(0, vacuumExit);
        Assert.Contains("host: removed", vacuumOut, StringComparison.Ordinal);

        var (badExit, _, badErr) = await Run("list", "component:nope");
        Assert.Equal(1, badExit);
        Assert.Contains("No such target", badErr, StringComparison.Ordinal);
        var (noServerExit, _, noServerErr) = await ProcessRunner.RunAsync(updatectl, ["--socket", Path.Combine(server.TempDirectory, "missing.sock"), "list"]);
        Assert.Equal(1, noServerExit);
        Assert.Contains("Failed to connect", noServerErr, StringComparison.Ordinal);
    }
}
