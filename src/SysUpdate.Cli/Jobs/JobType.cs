namespace SysUpdate.Cli.Jobs;

/// <summary>The kind of change a job makes (the IDL's <c>JobType</c>).</summary>
internal enum JobType
{
    Acquire,
    Install,
    Update,
    Vacuum,
    SetFeature,
}
