namespace SysUpdate.Core.Config;

/// <summary>A problem in a definition file that is ignored (unknown key, unknown section),
/// reported to the user as a warning.</summary>
internal sealed record ConfigDiagnostic(SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}
