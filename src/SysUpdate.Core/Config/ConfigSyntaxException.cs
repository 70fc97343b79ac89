namespace SysUpdate.Core.Config;

/// <summary>A definition file says something we refuse to act on. The message is one line:
/// <c>{path}:{line}: {what}</c>, optionally followed by <c>: '{value}'</c>.</summary>
internal sealed class ConfigSyntaxException : SysUpdateException
{
    public ConfigSyntaxException(SourceLocation location, string what, string? value = null)
        : base(value is null ? $"{location}: {what}" : $"{location}: {what}: '{value}'")
    {
        Location = location;
        Errno = Errno.EINVAL;
    }

    public SourceLocation Location { get; }
}
