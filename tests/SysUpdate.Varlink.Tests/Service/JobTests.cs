using System.Diagnostics;
using System.Text.Json;
using SysUpdate.Varlink.Client;
using static SysUpdate.Varlink.Tests.Service.JobBench;

namespace SysUpdate.Varlink.Tests.Service;

/// <summary>
/// Jobs across processes, against the real <c>sysupdate varlink --listen</c>, the real <c>sysupdate</c>
/// command line and a throttled HTTP server on 127.0.0.1: detached updates outlive their client,
/// watchers follow any job to its result, CancelJob stops a job before its commit, a change of a busy
/// target names the job holding it, a killed runner is reported as failed, and Subscribe streams events.
/// </summary>
public sealed class JobTests
{
    [SysUpdateBinaryFact]
    public async Task Update_Detached_SurvivesItsClientsDisconnect_AndAWatcherSeesItToTheEnd()
    {
        await using var bench = await JobBench.StartAsync(bytesPerSecond: 1 << 20, size: 3 << 20);
        long id = -1;
        await using (var first = await bench.Server.ConnectAsync())
        {
            await foreach (var reply in first.CallMoreAsync(Interface + "Update", Host(("detached", true))))
            {
                Assert.True(reply.TryGetProperty("progress", out _), reply.GetRawText());
                id = reply.GetProperty("jobId").GetInt64();
                break;
            }
        }
        Assert.True(id > 0);

        // The first client is gone; a second one follows the job to its end.
        var replies = new List<JsonElement>();
        await using (var watcher = await bench.Server.ConnectAsync())
        {
            await foreach (var reply in watcher.CallMoreAsync(Interface + "WatchJob", Id(id)))
                replies.Add(reply.Clone());
        }

        Assert.Equal(id, replies[0].GetProperty("job").GetProperty("id").GetInt64());
        var progress = replies.Skip(1).SkipLast(1).Select(r => r.GetProperty("progress")).ToList();
        Assert.Contains(progress, p => p.GetProperty("phase").GetString() == "acquiring" && p.GetProperty("bytesDone").GetInt64() > 0);
        var bytes = progress.Where(p => p.GetProperty("phase").GetString() == "acquiring").Select(p => p.GetProperty("bytesDone").GetInt64()).ToList();
        Assert.Equal(bytes.Order(), bytes);
        var final = replies[^1].GetProperty("job");
        Assert.Equal("succeeded", final.GetProperty("result").GetString());
        Assert.Equal("2", final.GetProperty("resultVersion").GetString());
        Assert.Equal(100, final.GetProperty("progress").GetProperty("percent").GetInt32());
        Assert.True(final.GetProperty("detached").GetBoolean());
        Assert.Equal("varlink", final.GetProperty("origin").GetString());
        Assert.Equal(bench.Published, await File.ReadAllBytesAsync(bench.Installed("2")));
    }

    [SocketActivatedFact]
    public async Task Update_DetachedOnAnAcceptedConnection_ItsProcessOutlivesTheConnectionUntilTheJobEnds()
    {
        await using var bench = await JobBench.StartAsync(bytesPerSecond: 1 << 20, size: 3 << 20);
        // As the shipped Accept=yes socket unit: one sysupdate process per connection.
        string socket = Path.Combine(bench.Server.TempDirectory, "accept.sock");
        var start = new ProcessStartInfo(Prerequisites.SocketActivate) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in new[] { "--accept", "-l", socket, "--", ServiceBinaries.SysUpdate!, "--root=" + bench.Server.Root, "varlink" })
            start.ArgumentList.Add(argument);
        using var activator = Process.Start(start)!;
        activator.BeginErrorReadLine();
        activator.BeginOutputReadLine();
        try
        {
            await SocketActivatedServiceTests.WaitForSocketAsync(socket);
            long id;
            await using (var client = await VarlinkClient.ConnectAsync(socket))
                id = (await client.CallAsync(Interface + "Update", Host(("detached", true)))).GetProperty("jobId").GetInt64();

            // The connection is closed; the job's process goes on and finishes it.
            await WaitForAsync(async () => (await bench.JobAsync(id)).TryGetProperty("result", out _), $"job {id} to end");
            var job = await bench.JobAsync(id);
            Assert.Equal("succeeded", job.GetProperty("result").GetString());
            Assert.Equal(bench.Published, await File.ReadAllBytesAsync(bench.Installed("2")));
        }
        finally
        {
            activator.Kill(entireProcessTree: true);
            await activator.WaitForExitAsync();
        }
    }

    [SysUpdateBinaryFact]
    public async Task CancelJob_FromAnotherClient_StopsTheDownloadWithNothingCommitted()
    {
        await using var bench = await JobBench.StartAsync(bytesPerSecond: 256 << 10, size: 16 << 20);
        byte[] before = await File.ReadAllBytesAsync(bench.Installed("1"));
        long id = await bench.StartDetachedUpdateAsync();
        await bench.WaitUntilDownloadingAsync(id);

        await using (var third = await bench.Server.ConnectAsync())
            await third.CallAsync(Interface + "CancelJob", Id(id));

        var job = await bench.JobAsync(id);
        Assert.Equal("cancelled", job.GetProperty("result").GetString());
        Assert.False(File.Exists(bench.Installed("2")));
        Assert.Equal(before, await File.ReadAllBytesAsync(bench.Installed("1")));
        await using var client = await bench.Server.ConnectAsync();
        Assert.Equal("1", (await client.CallAsync(Interface + "GetVersion", Host())).GetProperty("version").GetString());
        var versions = (await client.CallAsync(Interface + "ListVersions", Host(("offline", true)))).GetProperty("versions").EnumerateArray();
        Assert.DoesNotContain(versions, v => v.GetProperty("version").GetString() == "2" && v.GetProperty("installed").GetBoolean());
    }

    [SysUpdateBinaryFact]
    public async Task Update_WhileAnotherJobHoldsTheTarget_IsBusyWithThatJobsId()
    {
        await using var bench = await JobBench.StartAsync(bytesPerSecond: 256 << 10, size: 16 << 20);
        long id = await bench.StartDetachedUpdateAsync();
        await bench.WaitUntilDownloadingAsync(id);

        await using var second = await bench.Server.ConnectAsync();
        var busy = await Assert.ThrowsAsync<VarlinkErrorException>(() => second.CallAsync(Interface + "Update", Host()));
        Assert.Equal(Interface + "Busy", busy.Error);
        Assert.Equal(id, busy.Parameters.GetProperty("jobId").GetInt64());
        var detachedBusy = await Assert.ThrowsAsync<VarlinkErrorException>(() => second.CallAsync(Interface + "Update", Host(("detached", true))));
        Assert.Equal(Interface + "Busy", detachedBusy.Error);
        Assert.Equal(id, detachedBusy.Parameters.GetProperty("jobId").GetInt64());
        Assert.Equal(id, (await second.CallAsync(Interface + "GetTargetState", Host())).GetProperty("jobId").GetInt64());

        await second.CallAsync(Interface + "CancelJob", Id(id));
        Assert.False((await second.CallAsync(Interface + "GetTargetState", Host())).TryGetProperty("jobId", out _));
    }

    [SysUpdateBinaryFact]
    public async Task CommandLineUpdate_IsListedAsAJob_AndAKilledRunnerIsReportedFailed()
    {
        await using var bench = await JobBench.StartAsync(bytesPerSecond: 256 << 10, size: 16 << 20);
        using var cli = StartCommandLineUpdate(bench);
        JsonElement listed = default;
        await WaitForAsync(async () =>
        {
            var job = (await bench.ListJobsAsync()).FirstOrDefault(j => j.GetProperty("origin").GetString() == "command_line");
            listed = job;
            return job.ValueKind == JsonValueKind.Object && IsDownloading(job);
        }, "the command line's job");
        long id = listed.GetProperty("id").GetInt64();
        Assert.Equal("update", listed.GetProperty("type").GetString());
        Assert.Equal(cli.Id, listed.GetProperty("pid").GetInt32());
        Assert.True(listed.GetProperty("detached").GetBoolean());

        cli.Kill();
        await cli.WaitForExitAsync();

        var job = await bench.JobAsync(id);
        Assert.Equal("failed", job.GetProperty("result").GetString());
        Assert.DoesNotContain(await bench.ListJobsAsync(), j => !j.TryGetProperty("result", out _));
        Assert.False(File.Exists(bench.Installed("2")));
    }

    [SysUpdateBinaryFact]
    public async Task CancelJob_OfACommandLineUpdate_ItExitsWithOneLineAndNothingInstalled()
    {
        await using var bench = await JobBench.StartAsync(bytesPerSecond: 256 << 10, size: 16 << 20);
        var start = new ProcessStartInfo(ServiceBinaries.SysUpdate!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["--root=" + bench.Server.Root, "update"])
            start.ArgumentList.Add(argument);
        using var cli = Process.Start(start)!;
        Task<string> stderr = cli.StandardError.ReadToEndAsync();
        _ = cli.StandardOutput.ReadToEndAsync();
        long id = -1;
        await WaitForAsync(async () =>
        {
            var job = (await bench.ListJobsAsync()).FirstOrDefault(j => j.GetProperty("origin").GetString() == "command_line");
            id = job.ValueKind == JsonValueKind.Object && IsDownloading(job) ? job.GetProperty("id").GetInt64() : -1;
            return id > 0;
        }, "the command line's job downloading");

        await using (var client = await bench.Server.ConnectAsync())
            await client.CallAsync(Interface + "CancelJob", Id(id));
        await cli.WaitForExitAsync();

        Assert.Equal(1, cli.ExitCode);
        string[] lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"Job {id} was cancelled", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.Equal("cancelled", (await bench.JobAsync(id)).GetProperty("result").GetString());
        Assert.False(File.Exists(bench.Installed("2")));
    }

    [SysUpdateBinaryFact]
    public async Task Subscribe_SeesJobStartedFinishedAndUpdateCompleted()
    {
        await using var bench = await JobBench.StartAsync(bytesPerSecond: 16 << 20, size: 64 << 10);
        using var timeout = new CancellationTokenSource(Patience);
        await using var subscriber = await bench.Server.ConnectAsync();
        await using var events = subscriber.CallMoreAsync(Interface + "Subscribe", cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.False(events.Current.TryGetProperty("event", out _));

        long id;
        await using (var client = await bench.Server.ConnectAsync())
        {
            var replies = new List<JsonElement>();
            await foreach (var reply in client.CallMoreAsync(Interface + "Update", Host()))
                replies.Add(reply.Clone());
            Assert.Equal("2", replies[^1].GetProperty("version").GetString());
            id = replies.First(r => r.TryGetProperty("jobId", out _)).GetProperty("jobId").GetInt64();
        }

        var seen = new List<(string Type, JsonElement Job)>();
        while (!seen.Exists(e => e.Type == "update_completed"))
        {
            Assert.True(await events.MoveNextAsync());
            var e = events.Current.GetProperty("event");
            if (e.GetProperty("job").GetProperty("id").GetInt64() == id)
                seen.Add((e.GetProperty("type").GetString()!, e.GetProperty("job").Clone()));
        }
        Assert.Equal(["job_started", "job_finished", "update_completed"], seen.Select(e => e.Type));
        Assert.Equal("succeeded", seen[1].Job.GetProperty("result").GetString());
        Assert.Equal("2", seen[2].Job.GetProperty("resultVersion").GetString());
    }

    [UpdateCtlAndServiceFact]
    public async Task CommandLineUpdate_UpdateCtlWatchFollowsItToTheEnd()
    {
        await using var bench = await JobBench.StartAsync(bytesPerSecond: 1 << 20, size: 4 << 20);
        using var cli = StartCommandLineUpdate(bench);
        long id = -1;
        await WaitForAsync(async () =>
        {
            var job = (await bench.ListJobsAsync()).FirstOrDefault(j => j.GetProperty("origin").GetString() == "command_line");
            id = job.ValueKind == JsonValueKind.Object ? job.GetProperty("id").GetInt64() : -1;
            return id > 0;
        }, "the command line's job");

        var (jobsExit, jobsOut, jobsErr) = await ProcessRunner.RunAsync(ServiceBinaries.UpdateCtl!, ["--socket", bench.Server.SocketPath, "jobs"]);
        Assert.True(jobsExit == 0, jobsErr);
        Assert.Contains("command_line", jobsOut, StringComparison.Ordinal);

        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(ServiceBinaries.UpdateCtl!, ["--socket", bench.Server.SocketPath, "watch", id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("host: acquiring 2", stderr, StringComparison.Ordinal);
        Assert.Contains($"Job {id}: succeeded, version 2", stdout, StringComparison.Ordinal);
        await cli.WaitForExitAsync();
        Assert.Equal(0, cli.ExitCode);
        Assert.Equal(bench.Published, await File.ReadAllBytesAsync(bench.Installed("2")));
    }

    private static Process StartCommandLineUpdate(JobBench bench)
    {
        var start = new ProcessStartInfo(ServiceBinaries.SysUpdate!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["--root=" + bench.Server.Root, "update"])
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }
}
