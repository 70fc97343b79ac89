using System.Text;

namespace SysUpdate.Varlink.Idl;

/// <summary>
/// Prints an interface in canonical form: comments as <c># text</c>, one blank line between members,
/// struct type definitions one field per line (indented by four spaces), enums, methods and errors on
/// one line unless a field or value carries comments, <c>\n</c> line ends and a final newline.
/// Parsing the output gives the same interface again, and printing is idempotent.
/// </summary>
internal static class VarlinkIdlPrinter
{
    private const string Indent = "    ";

    public static string Print(VarlinkInterfaceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var text = new StringBuilder();
        AppendComments(text, definition.Comments, string.Empty);
        text.Append("interface ").Append(definition.Name).Append('\n');
        foreach (VarlinkMember member in definition.Members)
        {
            text.Append('\n');
            AppendComments(text, member.Comments, string.Empty);
            switch (member)
            {
                case VarlinkTypeDefinition type:
                    text.Append("type ").Append(type.Name).Append(' ');
                    AppendType(text, type.Type, string.Empty, forceMultiline: type.Type is VarlinkStructType { Fields.Count: > 0 });
                    break;
                case VarlinkMethodDefinition method:
                    text.Append("method ").Append(method.Name);
                    AppendType(text, method.Input, string.Empty, forceMultiline: false);
                    text.Append(" -> ");
                    AppendType(text, method.Output, string.Empty, forceMultiline: false);
                    break;
                case VarlinkErrorDefinition error:
                    text.Append("error ").Append(error.Name);
                    AppendType(text, error.Parameters, string.Empty, forceMultiline: false);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown member {member.GetType().Name}");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A type expression on one line (comments dropped), e.g. <c>?[]string</c>.</summary>
    public static string Print(VarlinkType type)
    {
        var text = new StringBuilder();
        AppendType(text, type, string.Empty, forceMultiline: false, singleLine: true);
        return text.ToString();
    }

    private static void AppendType(StringBuilder text, VarlinkType type, string indent, bool forceMultiline, bool singleLine = false)
    {
        switch (type)
        {
            case VarlinkPrimitiveType primitive:
                text.Append(primitive.Keyword);
                break;
            case VarlinkNullableType nullable:
                text.Append('?');
                AppendType(text, nullable.Inner, indent, false, singleLine);
                break;
            case VarlinkArrayType array:
                text.Append("[]");
                AppendType(text, array.Element, indent, false, singleLine);
                break;
            case VarlinkMapType map:
                text.Append("[string]");
                AppendType(text, map.Element, indent, false, singleLine);
                break;
            case VarlinkNamedType named:
                text.Append(named.Name);
                break;
            case VarlinkStructType structType:
                AppendList(
                    text,
                    structType.Fields.Select(f => (f.Comments, (Action<StringBuilder, string, bool>)((t, i, s) =>
                    {
                        t.Append(f.Name).Append(": ");
                        AppendType(t, f.Type, i, false, s);
                    }))).ToList(),
                    indent,
                    !singleLine && (forceMultiline || HasComments(structType)),
                    singleLine);
                break;
            case VarlinkEnumType enumType:
                AppendList(
                    text,
                    enumType.Values.Select(v => (v.Comments, (Action<StringBuilder, string, bool>)((t, _, _) => t.Append(v.Name)))).ToList(),
                    indent,
                    !singleLine && (forceMultiline || HasComments(enumType)),
                    singleLine);
                break;
            default:
                throw new InvalidOperationException($"Unknown type {type.GetType().Name}");
        }
    }

    private static void AppendList(
        StringBuilder text,
        List<(IReadOnlyList<string> Comments, Action<StringBuilder, string, bool> Append)> items,
        string indent,
        bool multiline,
        bool singleLine)
    {
        if (!multiline)
        {
            text.Append('(');
            for (int i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(", ");
                }

                items[i].Append(text, indent, singleLine);
            }

            text.Append(')');
            return;
        }

        string inner = indent + Indent;
        text.Append("(\n");
        for (int i = 0; i < items.Count; i++)
        {
            AppendComments(text, items[i].Comments, inner);
            text.Append(inner);
            items[i].Append(text, inner, false);
            text.Append(i < items.Count - 1 ? ",\n" : "\n");
        }

        text.Append(indent).Append(')');
    }

    private static void AppendComments(StringBuilder text, IReadOnlyList<string> comments, string indent)
    {
        foreach (string comment in comments)
        {
            text.Append(indent).Append('#');
            if (comment.Length > 0)
            {
                text.Append(' ').Append(comment);
            }

            text.Append('\n');
        }
    }

    private static bool HasComments(VarlinkType type) => type switch
    {
        VarlinkStructType s => s.Fields.Any(f => f.Comments.Count > 0 || HasComments(f.Type)),
        VarlinkEnumType e => e.Values.Any(v => v.Comments.Count > 0),
        VarlinkNullableType n => HasComments(n.Inner),
        VarlinkArrayType a => HasComments(a.Element),
        VarlinkMapType m => HasComments(m.Element),
        _ => false,
    };
}
