using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Faults.Support;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Faults;

/// <summary>
/// A file target on a small tmpfs that fills up, and one remounted read-only: one stderr line that
/// names the directory and what to do, non-zero exit, no stack trace, the installed version kept,
/// and after ENOSPC no partial file left holding the space.
/// </summary>
public sealed class TargetFileSystemFaultTests : IDisposable
{
    private readonly OperationsRoot _root = new();
    private readonly SysUpdateProcess _sysupdate = new SysUpdateProcess().WithEnvironment("SYSTEMD_LOG_LEVEL", "err");
    private bool _mounted;

    public void Dispose()
    {
        if (_mounted)
            TmpfsFactAttribute.Run("umount", "-l", _root.TargetDirectory);
        _root.Dispose();
    }

    private Task<ProcessResult> RunAsync(params string[] args) => _sysupdate.RunAsync([$"--root={_root.Root}", "--verify=no", .. args]);

    private void MountTmpfs(string size)
    {
        Directory.CreateDirectory(_root.TargetDirectory);
        Assert.Equal(0, TmpfsFactAttribute.Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "tmpfs", _root.TargetDirectory));
        _mounted = true;
    }

    [TmpfsFact]
    public async Task Update_TargetFileSystemFull_OneLineNoPartialInstalledKept()
    {
        MountTmpfs("1m");
        var v1 = _root.Publish("v1", 64 * 1024);
        (await RunAsync("update")).ShouldExit(0);
        _root.Publish("v2", 2 * 1024 * 1024);

        var result = await RunAsync("update");

        RunAssert.Failed(result);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains(_root.TargetDirectory, line, StringComparison.Ordinal);
        Assert.Contains("no space left", line, StringComparison.Ordinal);
        Assert.Contains($"needs {2 * 1024 * 1024} bytes", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_root.Partial("v2")));
        Assert.Empty(Directory.GetFiles(_root.TargetDirectory, ".sysupdate.*"));
        Assert.Equal(v1, File.ReadAllBytes(_root.Installed("v1")));
    }

    [TmpfsFact]
    public async Task Update_TargetFullWhileMultiBlockXzDecodes_OneLineNoPartialInstalledKept()
    {
        // An xz payload of several blocks that declare their sizes (xz -T2) decodes on worker threads: the write that
        // fails must stop them and end the run with the same one line, not a hang or a trace.
        MountTmpfs("1m");
        var v1 = _root.Publish("v1", 64 * 1024);
        (await RunAsync("update")).ShouldExit(0);
        _root.Publish("v2", 4 * 1024 * 1024);
        string published = Path.Combine(_root.Source, "app-v2.bin");
        byte[] compressed = Compressor.Compress(published, "xz", "-0", "-T2", "--block-size=256KiB");
        File.WriteAllBytes(published, compressed);
        File.WriteAllText(Path.Combine(_root.Source, "SHA256SUMS"),
            $"{Convert.ToHexStringLower(SHA256.HashData(v1))} *app-v1.bin\n{Convert.ToHexStringLower(SHA256.HashData(compressed))} *app-v2.bin\n");

        var result = await RunAsync("update");

        RunAssert.Failed(result);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains(_root.TargetDirectory, line, StringComparison.Ordinal);
        Assert.Contains("no space left", line, StringComparison.Ordinal);
        Assert.Contains("bytes of the payload read", line, StringComparison.Ordinal);
        Assert.DoesNotContain("needs", line, StringComparison.Ordinal); // the compressed size is not the space it needs
        Assert.False(File.Exists(_root.Partial("v2")));
        Assert.Empty(Directory.GetFiles(_root.TargetDirectory, ".sysupdate.*"));
        Assert.Equal(v1, File.ReadAllBytes(_root.Installed("v1")));
    }

    [TmpfsFact]
    public async Task Update_TargetReadOnly_OneLineInstalledKept()
    {
        MountTmpfs("4m");
        var v1 = _root.Publish("v1");
        (await RunAsync("update")).ShouldExit(0);
        Assert.Equal(0, TmpfsFactAttribute.Run("mount", "-o", "remount,ro", _root.TargetDirectory));
        _root.Publish("v2");

        var result = await RunAsync("update");

        RunAssert.Failed(result);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains(_root.TargetDirectory, line, StringComparison.Ordinal);
        Assert.Contains("read-only file system", line, StringComparison.Ordinal);
        Assert.Equal(v1, File.ReadAllBytes(_root.Installed("v1")));
        Assert.False(File.Exists(_root.Installed("v2")));
    }
}
