namespace SysUpdate.Varlink.Idl;

/// <summary><c>error Name(fields)</c>.</summary>
internal sealed record VarlinkErrorDefinition(string Name, VarlinkStructType Parameters, IReadOnlyList<string> Comments)
    : VarlinkMember(Name, Comments);
