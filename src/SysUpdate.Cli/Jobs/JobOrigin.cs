namespace SysUpdate.Cli.Jobs;

/// <summary>Who started a job (the IDL's <c>JobOrigin</c>).</summary>
internal enum JobOrigin
{
    Varlink,
    CommandLine,
}
