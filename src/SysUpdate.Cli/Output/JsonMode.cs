namespace SysUpdate.Cli.Output;

/// <summary><c>--json=</c>: off (tables), short (one line) or pretty.</summary>
internal enum JsonMode
{
    Off,
    Short,
    Pretty,
}
