namespace SysUpdate.Varlink.Idl;

/// <summary><c>type Name (…)</c>; <see cref="Type"/> is a <see cref="VarlinkStructType"/> or <see cref="VarlinkEnumType"/>.</summary>
internal sealed record VarlinkTypeDefinition(string Name, VarlinkType Type, IReadOnlyList<string> Comments)
    : VarlinkMember(Name, Comments);
