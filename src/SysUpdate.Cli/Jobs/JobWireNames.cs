namespace SysUpdate.Cli.Jobs;

/// <summary>The IDL's spellings of the job enums, both ways; an unknown word is a malformed record.</summary>
internal static class JobWireNames
{
    public static string ToWire(this JobType type) => type switch
    {
        JobType.Acquire => "acquire",
        JobType.Install => "install",
        JobType.Update => "update",
        JobType.Vacuum => "vacuum",
        JobType.SetFeature => "set_feature",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string ToWire(this JobOrigin origin) => origin switch
    {
        JobOrigin.Varlink => "varlink",
        JobOrigin.CommandLine => "command_line",
        _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, null),
    };

    public static string ToWire(this JobResult result) => result switch
    {
        JobResult.Succeeded => "succeeded",
        JobResult.NoUpdateNeeded => "no_update_needed",
        JobResult.Failed => "failed",
        JobResult.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    public static JobType ParseType(string? text) => text switch
    {
        "acquire" => JobType.Acquire,
        "install" => JobType.Install,
        "update" => JobType.Update,
        "vacuum" => JobType.Vacuum,
        "set_feature" => JobType.SetFeature,
        _ => throw new FormatException($"unknown job type '{text}'"),
    };

    public static JobOrigin ParseOrigin(string? text) => text switch
    {
        "varlink" => JobOrigin.Varlink,
        "command_line" => JobOrigin.CommandLine,
        _ => throw new FormatException($"unknown job origin '{text}'"),
    };

    public static JobResult ParseResult(string? text) => text switch
    {
        "succeeded" => JobResult.Succeeded,
        "no_update_needed" => JobResult.NoUpdateNeeded,
        "failed" => JobResult.Failed,
        "cancelled" => JobResult.Cancelled,
        _ => throw new FormatException($"unknown job result '{text}'"),
    };

    public static string ToWire(this JobEventType type) => type switch
    {
        JobEventType.JobStarted => "job_started",
        JobEventType.JobFinished => "job_finished",
        JobEventType.UpdateCompleted => "update_completed",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
