using System.Reflection;
using System.Text.Json;
using SysUpdate.Varlink.Idl;

namespace UpdateCtl;

/// <summary>
/// Checks every reply against the output struct the interface declares for its method, before any
/// command reads a field: a service that sends less (or another type) than promised gives one line,
/// not an exception deep inside a table printer. Fields the IDL does not declare are ignored.
/// </summary>
internal static class ReplyContract
{
    private static readonly VarlinkInterfaceDefinition Definition = Load();

    /// <exception cref="MalformedReplyException">A declared field is missing or does not fit its type.</exception>
    public static JsonElement Check(string method, JsonElement reply)
    {
        if (!Definition.Methods.TryGetValue(method, out VarlinkMethodDefinition? definition))
            throw new InvalidOperationException($"updatectl calls {method}, which {Definition.Name} does not declare");
        if (VarlinkParameterValidator.FindInvalidReplyField(Definition, definition.Output, reply) is { } field)
            throw new MalformedReplyException(method, field);
        return reply;
    }

    private static VarlinkInterfaceDefinition Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("io.systemd.SysUpdate.varlink")
            ?? throw new InvalidOperationException("io.systemd.SysUpdate.varlink is not embedded in updatectl");
        using var reader = new StreamReader(stream);
        return VarlinkIdlParser.Parse(reader.ReadToEnd());
    }
}
