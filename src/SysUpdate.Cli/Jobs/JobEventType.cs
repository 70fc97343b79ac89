namespace SysUpdate.Cli.Jobs;

/// <summary>The IDL's <c>EventType</c>.</summary>
internal enum JobEventType
{
    JobStarted,
    JobFinished,
    UpdateCompleted,
}
