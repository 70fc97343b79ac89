namespace SysUpdate.Varlink.Idl;

/// <summary><c>(name: T, …)</c>; also the parameter lists of methods and errors.</summary>
internal sealed record VarlinkStructType(IReadOnlyList<VarlinkField> Fields) : VarlinkType
{
    public VarlinkField? Find(string name)
    {
        foreach (VarlinkField field in Fields)
        {
            if (field.Name == name)
            {
                return field;
            }
        }

        return null;
    }
}
