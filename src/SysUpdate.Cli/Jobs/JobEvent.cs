namespace SysUpdate.Cli.Jobs;

/// <summary>Something that happened to a job (the IDL's <c>Event</c>).</summary>
internal sealed record JobEvent(JobEventType Type, JobRecord Job);
