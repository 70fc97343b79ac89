using System.Diagnostics;
using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Partitions;
using SysUpdate.Integration.Tests.Support;
using Xunit.Abstractions;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// A FIFO where a disk image, a source file or a <c>file://</c> manifest is expected used to hang the process
/// in open(2) (ignoring SIGTERM). Now the kind is checked on an O_PATH descriptor first: one line naming the
/// path, exit ≠ 0, and the process returns — the runner's timeout only fails a hung run.
/// </summary>
public sealed class FifoTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HungAfter = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("update")]
    [InlineData("list")]
    public async Task Run_DiskImageIsFifo_OneLineAndReturns(string verb)
    {
        using var disk = new AbDisk(512);
        disk.Publish("v1");
        File.Delete(disk.Image);
        Mkfifo(disk.Image);

        var run = await new SysUpdateProcess(disk.Sysupdate.Binary) { Timeout = HungAfter }.RunAsync("--definitions=" + disk.Definitions, verb);
        output.WriteLine(run.ToString());

        AssertOneLine(run, disk.Image);
        Assert.Contains("is a FIFO", run.ErrorLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_LocalSourceFileIsFifo_OneLineAndReturnsNothingInstalled()
    {
        using var disk = new AbDisk(512);
        var v1 = disk.Publish("v1");
        (await disk.RunAsync("update")).ShouldExit(0);
        disk.Publish("v2");
        string fifo = Path.Combine(disk.Source, "usr-v2.raw");
        File.Delete(fifo);
        Mkfifo(fifo);

        var run = await new SysUpdateProcess(disk.Sysupdate.Binary) { Timeout = HungAfter }.RunAsync("--definitions=" + disk.Definitions, "update");
        output.WriteLine(run.ToString());

        AssertOneLine(run, fifo);
        using var gpt = disk.Open();
        disk.AssertInstalled(gpt, v1, AbDisk.UsrA, AbDisk.VerityA, "after the refused update");
    }

    [Theory]
    [InlineData("SHA256SUMS")]
    [InlineData("app-2.raw")]
    public async Task Update_FileUrlManifestOrPayloadIsFifo_OneLineAndReturns(string fifoName)
    {
        using var tmp = new TempDirectory("sysupdate-fifo-");
        string source = tmp.Dir("source");
        string target = tmp.Dir("target");
        string definitions = tmp.Dir("definitions");
        File.WriteAllText(Path.Combine(source, "app-2.raw"), "version 2\n");
        File.WriteAllText(Path.Combine(source, "SHA256SUMS"), $"{Convert.ToHexStringLower(SHA256.HashData("version 2\n"u8))}  app-2.raw\n");
        File.Delete(Path.Combine(source, fifoName));
        Mkfifo(Path.Combine(source, fifoName));
        File.WriteAllText(Path.Combine(definitions, "50-app.transfer"), $"""
            [Transfer]
            Verify=no

            [Source]
            Type=url-file
            Path=file://{source}
            MatchPattern=app-@v.raw

            [Target]
            Type=regular-file
            Path={target}
            MatchPattern=app-@v.raw
            """);

        var run = await new SysUpdateProcess { Timeout = HungAfter }.RunAsync("--definitions=" + definitions, "update");
        output.WriteLine(run.ToString());

        AssertOneLine(run, Path.Combine(source, fifoName));
        Assert.Empty(Directory.GetFiles(target));
    }

    private static void AssertOneLine(ProcessResult run, string path)
    {
        Assert.NotEqual(0, run.ExitCode);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.StandardError, StringComparison.Ordinal);
        Assert.True(run.ErrorLines.Count > 0 && run.ErrorLines[^1].Contains(path, StringComparison.Ordinal),
            $"the last line must name {path}:\n{run}");
    }

    private static void Mkfifo(string path)
    {
        using var process = Process.Start("mkfifo", [path]);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
