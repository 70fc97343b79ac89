using SysUpdate.Varlink.Idl;

namespace SysUpdate.Varlink.Server;

/// <summary>
/// One interface a server offers: its IDL text (returned verbatim by GetInterfaceDescription) and a
/// handler per implemented method. Methods in the IDL without a handler answer MethodNotImplemented.
/// </summary>
internal sealed class VarlinkInterfaceRegistration
{
    private readonly Dictionary<string, Func<VarlinkCall, CancellationToken, Task>> _handlers = new(StringComparer.Ordinal);

    /// <exception cref="VarlinkIdlException"><paramref name="interfaceDescription"/> is not valid IDL.</exception>
    public VarlinkInterfaceRegistration(string interfaceDescription)
    {
        Definition = VarlinkInterfaceDefinition.Parse(interfaceDescription);
    }

    public VarlinkInterfaceDefinition Definition { get; }

    public string Name => Definition.Name;

    /// <summary>Sets the handler of <paramref name="method"/> (the short name, e.g. <c>Ping</c>).</summary>
    /// <exception cref="ArgumentException">The IDL has no such method.</exception>
    public VarlinkInterfaceRegistration Map(string method, Func<VarlinkCall, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        if (!Definition.Methods.ContainsKey(method))
        {
            throw new ArgumentException($"Interface {Name} defines no method '{method}'", nameof(method));
        }

        _handlers[method] = handler;
        return this;
    }

    internal Func<VarlinkCall, CancellationToken, Task>? FindHandler(string method) =>
        _handlers.GetValueOrDefault(method);
}
