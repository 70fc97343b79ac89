namespace SysUpdate.Varlink.Idl;

/// <summary>
/// A parsed Varlink interface. <see cref="Text"/> keeps the exact source, which is what
/// <c>org.varlink.service.GetInterfaceDescription</c> returns.
/// </summary>
internal sealed class VarlinkInterfaceDefinition
{
    private readonly Dictionary<string, VarlinkTypeDefinition> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VarlinkMethodDefinition> _methods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VarlinkErrorDefinition> _errors = new(StringComparer.Ordinal);

    internal VarlinkInterfaceDefinition(string name, IReadOnlyList<string> comments, IReadOnlyList<VarlinkMember> members, string text)
    {
        Name = name;
        Comments = comments;
        Members = members;
        Text = text;
        foreach (VarlinkMember member in members)
        {
            switch (member)
            {
                case VarlinkTypeDefinition type:
                    _types.Add(type.Name, type);
                    break;
                case VarlinkMethodDefinition method:
                    _methods.Add(method.Name, method);
                    break;
                case VarlinkErrorDefinition error:
                    _errors.Add(error.Name, error);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown member {member.GetType().Name}");
            }
        }
    }

    /// <summary>The interface name, e.g. <c>io.systemd.SysUpdate</c>.</summary>
    public string Name { get; }

    /// <summary>Comment lines above the <c>interface</c> keyword.</summary>
    public IReadOnlyList<string> Comments { get; }

    /// <summary>Types, methods and errors in source order.</summary>
    public IReadOnlyList<VarlinkMember> Members { get; }

    /// <summary>The source text, verbatim.</summary>
    public string Text { get; }

    public IReadOnlyDictionary<string, VarlinkTypeDefinition> Types => _types;

    public IReadOnlyDictionary<string, VarlinkMethodDefinition> Methods => _methods;

    public IReadOnlyDictionary<string, VarlinkErrorDefinition> Errors => _errors;

    /// <exception cref="VarlinkIdlException">The text is not a valid interface definition.</exception>
    public static VarlinkInterfaceDefinition Parse(string text) => VarlinkIdlParser.Parse(text);

    /// <summary>The canonical text (see <see cref="VarlinkIdlPrinter"/>).</summary>
    public override string ToString() => VarlinkIdlPrinter.Print(this);
}
