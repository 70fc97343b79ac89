namespace SysUpdate.Core.Config;

/// <summary>Where a configuration token came from: a file and a 1-based line.</summary>
internal readonly record struct SourceLocation(string Path, int Line)
{
    public override string ToString() => $"{Path}:{Line}";
}
