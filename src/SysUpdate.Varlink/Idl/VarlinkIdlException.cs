namespace SysUpdate.Varlink.Idl;

/// <summary>An interface definition does not follow the Varlink grammar; carries the 1-based line and column.</summary>
internal sealed class VarlinkIdlException : VarlinkException
{
    public VarlinkIdlException(int line, int column, string what)
        : base($"{line}:{column}: {what}")
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }
}
