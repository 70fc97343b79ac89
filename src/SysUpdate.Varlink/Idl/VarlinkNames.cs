namespace SysUpdate.Varlink.Idl;

/// <summary>The name rules of the Varlink grammar.</summary>
internal static class VarlinkNames
{
    /// <summary>
    /// Reverse-domain interface names, at least two dot-separated parts of letters, digits and inner
    /// dashes (<c>io.systemd.SysUpdate</c>, <c>org.varlink.service</c>); the first part starts with a letter.
    /// </summary>
    public static bool IsInterfaceName(string name)
    {
        string[] parts = name.Split('.');
        if (parts.Length < 2)
        {
            return false;
        }

        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            if (part.Length == 0 || part[^1] == '-' || part[0] == '-' || (i == 0 && !char.IsAsciiLetter(part[0])))
            {
                return false;
            }

            foreach (char c in part)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Type, method and error names: an upper-case letter, then letters and digits.</summary>
    public static bool IsMemberName(string name)
    {
        if (name.Length == 0 || !char.IsAsciiLetterUpper(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Field and enum names: a letter, then letters, digits and single inner underscores.</summary>
    public static bool IsFieldName(string name)
    {
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || name[^1] == '_')
        {
            return false;
        }

        for (int i = 1; i < name.Length; i++)
        {
            char c = name[i];
            if (c == '_' ? name[i - 1] == '_' : !char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Splits <c>interface.Method</c> at the last dot.</summary>
    public static bool TrySplitMethod(string qualified, out string interfaceName, out string method)
    {
        int dot = qualified.LastIndexOf('.');
        if (dot <= 0 || dot == qualified.Length - 1)
        {
            interfaceName = qualified;
            method = string.Empty;
            return false;
        }

        interfaceName = qualified[..dot];
        method = qualified[(dot + 1)..];
        return true;
    }
}
