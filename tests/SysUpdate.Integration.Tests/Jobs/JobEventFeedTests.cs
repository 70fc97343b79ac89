using SysUpdate.Cli.Jobs;
using SysUpdate.Cli.Varlink;

namespace SysUpdate.Integration.Tests.Jobs;

/// <summary>Subscribe's events from successive listings: start, finish, and update_completed only for an install that put a version in place.</summary>
public sealed class JobEventFeedTests
{
    private static JobRecord Job(long id, JobType type = JobType.Update, JobResult? result = null, string? version = null) =>
        new(id, type, TargetId.Host, null, JobOrigin.Varlink, 1, 0, false, 1, Result: result, ResultVersion: version);

    [Fact]
    public void Next_BaselineJobsAreNotNews_NewAndEndedJobsAre()
    {
        var feed = new JobEventFeed([Job(1), Job(2, result: JobResult.Failed)]);

        Assert.Empty(feed.Next([Job(1), Job(2, result: JobResult.Failed)]));
        var events = feed.Next([Job(1, result: JobResult.Succeeded, version: "5"), Job(3), Job(4, JobType.Acquire, JobResult.Succeeded, "6")]);

        Assert.Equal(
            [(JobEventType.JobFinished, 1L), (JobEventType.UpdateCompleted, 1L), (JobEventType.JobStarted, 3L),
             (JobEventType.JobStarted, 4L), (JobEventType.JobFinished, 4L)],
            events.Select(e => (e.Type, e.Job.Id)));
        Assert.Empty(feed.Next([Job(1, result: JobResult.Succeeded, version: "5"), Job(3)]));
    }

    [Theory]
    [InlineData("update", "succeeded", "2", true)]
    [InlineData("install", "succeeded", "2", true)]
    [InlineData("acquire", "succeeded", "2", false)]
    [InlineData("update", "no_update_needed", null, false)]
    [InlineData("update", "cancelled", null, false)]
    [InlineData("vacuum", "succeeded", null, false)]
    public void Next_Finished_UpdateCompletedOnlyWhenAVersionWasInstalled(string type, string result, string? version, bool completed)
    {
        var jobType = JobWireNames.ParseType(type);
        var feed = new JobEventFeed([Job(1, jobType)]);
        var events = feed.Next([Job(1, jobType, JobWireNames.ParseResult(result), version)]);
        Assert.Equal(completed, events.Any(e => e.Type == JobEventType.UpdateCompleted));
    }
}
