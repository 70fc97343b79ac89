namespace SysUpdate.Benchmarks;

/// <summary>An image file attached with <c>losetup --find --show</c> (whichever loop device is free); detached on dispose.</summary>
internal sealed class LoopDevice : IAsyncDisposable
{
    private LoopDevice(string path) => Path = path;

    public string Path { get; }

    public static async Task<LoopDevice> AttachAsync(string image)
    {
        var attach = await ChildProcess.RunAsync("losetup", ["--find", "--show", image], pollRss: false).ConfigureAwait(false);
        if (attach.ExitCode != 0)
            throw new BenchmarkSetupException($"losetup --find --show {image} failed: {attach.Output.Trim()}");
        return new LoopDevice(attach.Output.Trim());
    }

    public async ValueTask DisposeAsync()
    {
        var detach = await ChildProcess.RunAsync("losetup", ["--detach", Path], pollRss: false).ConfigureAwait(false);
        if (detach.ExitCode != 0)
            throw new BenchmarkSetupException($"losetup --detach {Path} failed: {detach.Output.Trim()}");
    }
}
