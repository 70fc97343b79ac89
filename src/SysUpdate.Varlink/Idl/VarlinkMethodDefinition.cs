namespace SysUpdate.Varlink.Idl;

/// <summary><c>method Name(in) -> (out)</c>.</summary>
internal sealed record VarlinkMethodDefinition(
    string Name, VarlinkStructType Input, VarlinkStructType Output, IReadOnlyList<string> Comments)
    : VarlinkMember(Name, Comments);
