namespace SysUpdate.Varlink.Idl;

/// <summary><c>(a, b, c)</c>: a string that must be one of the listed names.</summary>
internal sealed record VarlinkEnumType(IReadOnlyList<VarlinkEnumValue> Values) : VarlinkType
{
    public bool Contains(string value)
    {
        foreach (VarlinkEnumValue candidate in Values)
        {
            if (candidate.Name == value)
            {
                return true;
            }
        }

        return false;
    }
}
