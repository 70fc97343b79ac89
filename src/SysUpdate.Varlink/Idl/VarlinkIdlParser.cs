namespace SysUpdate.Varlink.Idl;

/// <summary>
/// Recursive-descent parser for the Varlink interface definition language. Comment lines (<c>#</c>)
/// directly above the interface, a member, a field or an enum value are kept with it; others are dropped.
/// </summary>
internal sealed class VarlinkIdlParser
{
    private readonly string _text;
    private readonly List<string> _comments = [];
    private int _position;

    private VarlinkIdlParser(string text)
    {
        _text = text;
    }

    /// <exception cref="VarlinkIdlException">The text is not a valid interface definition.</exception>
    public static VarlinkInterfaceDefinition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new VarlinkIdlParser(text).ParseInterface();
    }

    private VarlinkInterfaceDefinition ParseInterface()
    {
        SkipTrivia();
        IReadOnlyList<string> comments = TakeComments();
        int keywordStart = _position;
        if (ReadWord() != "interface")
        {
            throw Error(keywordStart, "expected 'interface'");
        }

        SkipTrivia();
        int nameStart = _position;
        string name = ReadWord();
        if (!VarlinkNames.IsInterfaceName(name))
        {
            throw Error(nameStart, $"invalid interface name '{name}'");
        }

        var members = new List<VarlinkMember>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var references = new List<(string Name, int Position)>();
        while (true)
        {
            SkipTrivia();
            if (_position == _text.Length)
            {
                break;
            }

            IReadOnlyList<string> memberComments = TakeComments();
            int start = _position;
            string keyword = ReadWord();
            SkipTrivia();
            int memberNameStart = _position;
            string memberName = ReadWord();
            if (!VarlinkNames.IsMemberName(memberName))
            {
                throw Error(memberNameStart, $"invalid {keyword} name '{memberName}'");
            }

            if (!names.TryAdd(memberName, memberNameStart))
            {
                throw Error(memberNameStart, $"'{memberName}' is defined twice");
            }

            switch (keyword)
            {
                case "type":
                    members.Add(new VarlinkTypeDefinition(memberName, ParseStructOrEnum(references), memberComments));
                    break;
                case "method":
                    VarlinkStructType input = ParseStruct(references, "method input");
                    SkipTrivia();
                    Expect("->");
                    VarlinkStructType output = ParseStruct(references, "method output");
                    members.Add(new VarlinkMethodDefinition(memberName, input, output, memberComments));
                    break;
                case "error":
                    members.Add(new VarlinkErrorDefinition(memberName, ParseStruct(references, "error parameters"), memberComments));
                    break;
                default:
                    throw Error(start, $"expected 'type', 'method' or 'error', found '{keyword}'");
            }
        }

        foreach ((string reference, int position) in references)
        {
            if (!names.ContainsKey(reference) || members.Find(m => m.Name == reference) is not VarlinkTypeDefinition)
            {
                throw Error(position, $"unknown type '{reference}'");
            }
        }

        return new VarlinkInterfaceDefinition(name, comments, members, _text);
    }

    private VarlinkStructType ParseStruct(List<(string, int)> references, string what)
    {
        SkipTrivia();
        int start = _position;
        if (ParseStructOrEnum(references) is VarlinkStructType structType)
        {
            return structType;
        }

        throw Error(start, $"{what} must be a struct, not an enum");
    }

    private VarlinkType ParseStructOrEnum(List<(string, int)> references)
    {
        SkipTrivia();
        Expect("(");
        var fields = new List<VarlinkField>();
        var values = new List<VarlinkEnumValue>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        SkipTrivia();
        if (TryConsume(')'))
        {
            _comments.Clear();
            return new VarlinkStructType(fields);
        }

        while (true)
        {
            SkipTrivia();
            IReadOnlyList<string> comments = TakeComments();
            int nameStart = _position;
            string name = ReadWord();
            if (!VarlinkNames.IsFieldName(name))
            {
                throw Error(nameStart, $"invalid field name '{name}'");
            }

            if (!seen.Add(name))
            {
                throw Error(nameStart, $"'{name}' appears twice");
            }

            SkipTrivia();
            if (TryConsume(':'))
            {
                if (values.Count > 0)
                {
                    throw Error(nameStart, "an enum cannot have typed fields");
                }

                fields.Add(new VarlinkField(name, ParseType(references), comments));
            }
            else
            {
                if (fields.Count > 0)
                {
                    throw Error(nameStart, $"field '{name}' has no type");
                }

                values.Add(new VarlinkEnumValue(name, comments));
            }

            SkipTrivia();
            if (TryConsume(')'))
            {
                break;
            }

            Expect(",");
        }

        _comments.Clear();
        return values.Count > 0 ? new VarlinkEnumType(values) : new VarlinkStructType(fields);
    }

    private VarlinkType ParseType(List<(string, int)> references)
    {
        SkipTrivia();
        if (TryConsume('?'))
        {
            SkipTrivia();
            if (Peek() == '?')
            {
                throw Error(_position, "a nullable type cannot be nullable again");
            }

            return new VarlinkNullableType(ParseNonNullableType(references));
        }

        return ParseNonNullableType(references);
    }

    private VarlinkType ParseNonNullableType(List<(string, int)> references)
    {
        SkipTrivia();
        int start = _position;
        if (TryConsume('['))
        {
            SkipTrivia();
            if (TryConsume(']'))
            {
                return new VarlinkArrayType(ParseType(references));
            }

            int keyStart = _position;
            if (ReadWord() != "string")
            {
                throw Error(keyStart, "map keys must be 'string'");
            }

            SkipTrivia();
            Expect("]");
            return new VarlinkMapType(ParseType(references));
        }

        if (Peek() == '(')
        {
            return ParseStructOrEnum(references);
        }

        string word = ReadWord();
        if (VarlinkPrimitiveType.FromKeyword(word) is { } primitive)
        {
            return primitive;
        }

        if (!VarlinkNames.IsMemberName(word))
        {
            throw Error(start, $"invalid type '{word}'");
        }

        references.Add((word, start));
        return new VarlinkNamedType(word);
    }

    private void SkipTrivia()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                _position++;
            }
            else if (c == '#')
            {
                int end = _text.IndexOf('\n', _position);
                if (end < 0)
                {
                    end = _text.Length;
                }

                string comment = _text[(_position + 1)..end].TrimEnd('\r', ' ', '\t');
                _comments.Add(comment.StartsWith(' ') ? comment[1..] : comment);
                _position = end;
            }
            else
            {
                break;
            }
        }
    }

    private List<string> TakeComments()
    {
        List<string> comments = [.. _comments];
        _comments.Clear();
        return comments;
    }

    private string ReadWord()
    {
        int start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '_' or '.' or '-'))
        {
            // "->" is punctuation, not part of a word.
            if (_text[_position] == '-' && _position + 1 < _text.Length && _text[_position + 1] == '>')
            {
                break;
            }

            _position++;
        }

        if (_position == start)
        {
            throw Error(start, _position < _text.Length ? $"unexpected '{_text[_position]}'" : "unexpected end of text");
        }

        return _text[start.._position];
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private bool TryConsume(char c)
    {
        if (Peek() == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Expect(string token)
    {
        if (string.CompareOrdinal(_text, _position, token, 0, token.Length) != 0)
        {
            throw Error(_position, _position < _text.Length ? $"expected '{token}', found '{_text[_position]}'" : $"expected '{token}', found end of text");
        }

        _position += token.Length;
    }

    private VarlinkIdlException Error(int position, string what)
    {
        int line = 1, column = 1;
        for (int i = 0; i < position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new VarlinkIdlException(line, column, what);
    }
}
