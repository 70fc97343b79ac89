using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace SysUpdate.Core.Tests.Compression;

/// <summary>Test payloads and the system compression tools that encode them.</summary>
internal static class CompressionTestData
{
    /// <summary>Deterministic payload: alternating pseudo-random and highly compressible runs.</summary>
    public static byte[] Payload(int size, int seed = 1)
    {
        var data = new byte[size];
        var random = new Random(seed);
        byte[] text = Encoding.ASCII.GetBytes("systemd-sysupdate streams images into the inactive slot. ");
        int pos = 0;
        bool randomRun = true;
        while (pos < size)
        {
            int run = Math.Min(size - pos, random.Next(1, 64 * 1024));
            if (randomRun)
                random.NextBytes(data.AsSpan(pos, run));
            else
                for (int i = 0; i < run; i++)
                    data[pos + i] = text[(pos + i) % text.Length];
            pos += run;
            randomRun = !randomRun;
        }
        return data;
    }

    /// <summary>Runs <paramref name="tool"/> with <paramref name="arguments"/> on <paramref name="input"/> (stdin) and returns stdout.</summary>
    public static byte[] Compress(byte[] input, string tool, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            startInfo.ArgumentList.Add(argument);

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {tool}");
        var output = new MemoryStream();
        Task copyOut = process.StandardOutput.BaseStream.CopyToAsync(output);
        Task<string> errors = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        copyOut.GetAwaiter().GetResult();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed: {errors.GetAwaiter().GetResult()}");
        return output.ToArray();
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
