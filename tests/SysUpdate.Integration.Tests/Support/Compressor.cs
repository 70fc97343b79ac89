using System.Diagnostics;

namespace SysUpdate.Integration.Tests.Support;

/// <summary>Runs a real compressor (<c>xz</c>, <c>zstd</c>, <c>gzip</c>, <c>bzip2</c>) on a file and returns what it writes to stdout.</summary>
internal static class Compressor
{
    /// <param name="command">The tool and its options; <c>-c</c> and the input are added.</param>
    public static byte[] Compress(string input, params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string option in (string[])[.. command[1..], "-c", input])
            start.ArgumentList.Add(option);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
        var stderr = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command[0]} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {stderr.Result}");
        return output.ToArray();
    }
}
