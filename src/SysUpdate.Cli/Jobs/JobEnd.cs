namespace SysUpdate.Cli.Jobs;

/// <summary>How a job's work ended when it returned normally: the result and the version it acquired or installed.</summary>
internal readonly record struct JobEnd(JobResult Result, string? Version = null)
{
    public static readonly JobEnd Succeeded = new(JobResult.Succeeded);

    /// <summary>A change's outcome: the version when there was one, else nothing was needed.</summary>
    public static JobEnd ForVersion(string? version) =>
        version is null ? new JobEnd(JobResult.NoUpdateNeeded) : new JobEnd(JobResult.Succeeded, version);
}
