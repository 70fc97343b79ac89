namespace SysUpdate.Core;

/// <summary>The component's <c>.component</c> file says <c>Enabled=no</c>; <c>--component-all</c> skips it.</summary>
public sealed class ComponentDisabledException : SysUpdateException
{
    public ComponentDisabledException(string component) : base("Component is disabled.")
    {
        Component = component;
        Errno = Errno.EHOSTDOWN;
    }

    public string Component { get; }
}
