namespace SysUpdate.Core;

/// <summary>
/// The definition directories were read and hold no (enabled) transfer. The only "nothing here"
/// failure: <c>--component-all</c> skips it, and <c>--cleanup</c> may then remove what earlier
/// definitions installed. A source, transport, signature or device failure is never this type.
/// </summary>
public sealed class NoDefinitionsException : SysUpdateException
{
    public NoDefinitionsException(string? component)
        : base(component is null ? "No transfer definitions found." : $"No transfer definitions for component '{component}' found.")
    {
        Component = component;
        Errno = Errno.ENOENT;
    }

    public string? Component { get; }
}
