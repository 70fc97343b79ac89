namespace SysUpdate.Cli;

/// <summary>How components or features were selected: by name, all, or all suggested.</summary>
internal enum SelectMode
{
    Explicit,
    All,
    Suggested,
}
