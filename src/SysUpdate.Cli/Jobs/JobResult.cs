namespace SysUpdate.Cli.Jobs;

/// <summary>How a job ended (the IDL's <c>JobResult</c>).</summary>
internal enum JobResult
{
    Succeeded,
    NoUpdateNeeded,
    Failed,
    Cancelled,
}
