using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using SysUpdate.Varlink.Client;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>A delta update over Varlink: its <c>Progress</c> replies carry <c>bytesFetched</c> and <c>bytesReused</c>
/// (they add up to <c>bytesDone</c>), and the installed file is the new version.</summary>
public sealed class DeltaProgressTests
{
    private const int ImageSize = 4 * 1024 * 1024;

    [SysUpdateAndCasyncFact]
    public async Task Update_WithChunkIndex_ProgressSaysFetchedAndReused()
    {
        string work = Directory.CreateTempSubdirectory("sysupdate-varlink-delta-").FullName;
        try
        {
            string release = Directory.CreateDirectory(Path.Combine(work, "release")).FullName;
            string target = Directory.CreateDirectory(Path.Combine(work, "installed")).FullName;
            string definitions = Directory.CreateDirectory(Path.Combine(work, "definitions")).FullName;
            byte[] v1 = new byte[ImageSize];
            new Random(1).NextBytes(v1);
            byte[] v2 = (byte[])v1.Clone();
            new Random(2).NextBytes(v2.AsSpan(1024 * 1024, 300 * 1024));
            await File.WriteAllBytesAsync(Path.Combine(target, "usr_1.raw"), v1);
            await File.WriteAllBytesAsync(Path.Combine(release, "usr_2.raw"), v2);
            await CasyncMakeAsync(release, "usr_2.raw");
            await File.WriteAllTextAsync(Path.Combine(release, "SHA256SUMS"),
                $"{Sha256(Path.Combine(release, "usr_2.raw"))} *usr_2.raw\n{Sha256(Path.Combine(release, "usr_2.raw.caibx"))} *usr_2.raw.caibx\n");
            await File.WriteAllTextAsync(Path.Combine(definitions, "50-usr.transfer"),
                $"[Transfer]\nVerify=no\n[Source]\nType=url-file\nPath=file://{release}\nMatchPattern=usr_@v.raw\n[Target]\nType=regular-file\nPath={target}\nMatchPattern=usr_@v.raw\n");

            await using var server = await SysUpdateServer.StartAsync(definitions: definitions);
            await using var client = await server.ConnectAsync();
            var replies = new List<JsonElement>();
            await foreach (var reply in client.CallMoreAsync("io.systemd.SysUpdate.Update", new System.Text.Json.Nodes.JsonObject
                           {
                               ["target"] = new System.Text.Json.Nodes.JsonObject { ["class"] = "host" },
                           }))
                replies.Add(reply.Clone());

            var acquiring = replies.Where(r => r.TryGetProperty("progress", out var p) && p.GetProperty("phase").GetString() == "acquiring"
                                               && p.TryGetProperty("bytesFetched", out _)).Select(r => r.GetProperty("progress")).ToList();
            Assert.NotEmpty(acquiring);
            var last = acquiring[^1];
            long fetched = last.GetProperty("bytesFetched").GetInt64();
            long reused = last.GetProperty("bytesReused").GetInt64();
            Assert.Equal(last.GetProperty("bytesDone").GetInt64(), fetched + reused);
            Assert.Equal(ImageSize, fetched + reused);
            Assert.True(fetched > 0 && fetched < ImageSize / 2, $"fetched {fetched} of {ImageSize}");
            Assert.True(reused > ImageSize / 2, $"reused {reused} of {ImageSize}");
            Assert.Equal(SHA256.HashData(v2), SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(target, "usr_2.raw"))));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static async Task CasyncMakeAsync(string directory, string image)
    {
        var start = new ProcessStartInfo(SysUpdateAndCasyncFactAttribute.Casync) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in (string[])["make", "--store=default.castr", image + ".caibx", image])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"casync make failed: {error}");
    }
}
