using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Tests.Disk;

/// <summary>Runs util-linux sfdisk / losetup for the GPT tests and makes temporary directories.</summary>
internal static class DiskTestSupport
{
    public static readonly bool SfdiskAvailable = FindExecutable("sfdisk") is not null;

    public static readonly bool LoopAvailable =
        FindExecutable("losetup") is not null && File.Exists("/dev/loop-control") && Environment.UserName == "root";

    public const string SfdiskMissing = "sfdisk not installed (apt-get install -y fdisk)";

    public static string FindExecutableOrThrow(string name) =>
        FindExecutable(name) ?? throw new InvalidOperationException($"{name} not found");

    public static string? FindExecutable(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sysupdate-disk-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string tool, string arguments, string? stdin = null)
    {
        var psi = new ProcessStartInfo(FindExecutableOrThrow(tool), arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["LC_ALL"] = "C";
        using Process process = Process.Start(psi)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Partitions an image (or device) with an sfdisk script; asserts success.</summary>
    public static void SfdiskWrite(string target, string script)
    {
        (int exit, string stdout, string stderr) = Run("sfdisk", $"--no-reread --no-tell-kernel \"{target}\"", script);
        Assert.True(exit == 0, $"sfdisk failed ({exit}): {stderr}\n{stdout}");
    }

    public static SfdiskTable SfdiskJson(string target)
    {
        (int exit, string stdout, string stderr) = Run("sfdisk", $"--json \"{target}\"");
        Assert.True(exit == 0, $"sfdisk --json failed ({exit}): {stderr}");
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement table = doc.RootElement.GetProperty("partitiontable");
        var partitions = new List<SfdiskPartition>();
        if (table.TryGetProperty("partitions", out JsonElement list))
        {
            foreach (JsonElement p in list.EnumerateArray())
            {
                partitions.Add(new SfdiskPartition(
                    p.GetProperty("node").GetString()!,
                    p.GetProperty("start").GetUInt64(),
                    p.GetProperty("size").GetUInt64(),
                    Guid.Parse(p.GetProperty("type").GetString()!),
                    Guid.Parse(p.GetProperty("uuid").GetString()!),
                    p.TryGetProperty("name", out JsonElement name) ? name.GetString()! : string.Empty,
                    p.TryGetProperty("attrs", out JsonElement attrs) ? ParseAttrs(attrs.GetString()!) : 0));
            }
        }

        return new SfdiskTable(
            Guid.Parse(table.GetProperty("id").GetString()!),
            table.GetProperty("sectorsize").GetInt32(),
            table.GetProperty("firstlba").GetUInt64(),
            table.GetProperty("lastlba").GetUInt64(),
            partitions);
    }

    /// <summary>Runs <c>sfdisk --verify</c>; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) SfdiskVerify(string target)
    {
        (int exit, string stdout, string stderr) = Run("sfdisk", $"--verify \"{target}\"");
        return (exit, stdout + stderr);
    }

    /// <summary>sfdisk's attribute text ("RequiredPartition LegacyBIOSBootable GUID:59,60") as a bit mask.</summary>
    public static ulong ParseAttrs(string text)
    {
        ulong flags = 0;
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word == "RequiredPartition")
            {
                flags |= 1UL << 0;
            }
            else if (word == "NoBlockIOProtocol")
            {
                flags |= 1UL << 1;
            }
            else if (word == "LegacyBIOSBootable")
            {
                flags |= 1UL << 2;
            }
            else if (word.StartsWith("GUID:", StringComparison.Ordinal))
            {
                foreach (string bit in word["GUID:".Length..].Split(','))
                {
                    flags |= 1UL << int.Parse(bit, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            else
            {
                throw new FormatException($"unknown sfdisk attribute '{word}'");
            }
        }

        return flags;
    }

    public static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Attaches an image to a free loop device with the given logical sector size.</summary>
    public static string AttachLoop(string image, int sectorSize)
    {
        (int exit, string stdout, string stderr) = Run("losetup", $"-f --show --sector-size {sectorSize} \"{image}\"");
        Assert.True(exit == 0, $"losetup failed: {stderr}");
        return stdout.Trim();
    }

    public static void DetachLoop(string device) => Run("losetup", $"-d {device}");

    /// <remarks>Opened without the BCL's advisory <c>flock</c>: a child process that another test forks in
    /// parallel inherits a just-closed writable <see cref="GptDisk"/> handle (and its <c>LOCK_EX</c>) until it
    /// execs, and a <see cref="FileStream"/> would fail on that lock with "being used by another process".</remarks>
    public static void FlipByte(string path, long offset)
    {
        using SafeFileHandle handle = LibC.Open(path, Tmds.Linux.LibC.O_RDWR);
        byte[] one = new byte[1];
        if (RandomAccess.Read(handle, one, offset) != 1)
        {
            throw new EndOfStreamException($"{path}: no byte at offset {offset}");
        }

        one[0] ^= 0xFF;
        RandomAccess.Write(handle, one, offset);
    }
}
