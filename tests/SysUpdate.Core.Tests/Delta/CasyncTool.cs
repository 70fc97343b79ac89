using System.Diagnostics;
using SysUpdate.Core.Tests.Disk;

namespace SysUpdate.Core.Tests.Delta;

/// <summary>Runs the real <c>casync make</c> on files in a per-test temporary directory.</summary>
internal sealed class CasyncTool : IDisposable
{
    public static readonly string? Executable = DiskTestSupport.FindExecutable("casync");

    public static bool Available => Executable is not null;

    public const string Missing = "casync not installed (apt-get install -y casync)";

    public CasyncTool()
    {
        Directory = Path.Combine(Path.GetTempPath(), "sysupdate-delta-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Deterministic random-like bytes (incompressible, like an erofs/squashfs image).</summary>
    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public string WriteFile(string name, byte[] content)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>
    /// <c>casync make [--chunk-size=S] [--digest=D] [--compression=C] --store=STORE INDEX IMAGE</c>; returns the
    /// index path. casync reads a colon as host:path, so names here never contain one.
    /// </summary>
    public (string Index, string Store) Make(string image, string? chunkSize = null, string? digest = null, string? compression = null)
    {
        string tag = Guid.NewGuid().ToString("N")[..8];
        string index = Path.Combine(Directory, $"{Path.GetFileName(image)}-{tag}.caibx");
        string store = Path.Combine(Directory, $"store-{tag}.castr");
        var arguments = new List<string> { "make" };
        if (chunkSize is not null)
            arguments.Add($"--chunk-size={chunkSize}");
        if (digest is not null)
            arguments.Add($"--digest={digest}");
        if (compression is not null)
            arguments.Add($"--compression={compression}");
        arguments.Add($"--store={store}");
        arguments.Add(index);
        arguments.Add(image);
        Run(arguments);
        return (index, store);
    }

    public static string ChunkPath(string store, string idHex) => Path.Combine(store, idHex[..4], idHex + ".cacnk");

    private static void Run(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(Missing))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("casync did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"casync {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {stderr}");
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
