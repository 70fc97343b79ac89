namespace SysUpdate.Varlink.Idl;

/// <summary>A reference to a <c>type</c> defined in the same interface.</summary>
internal sealed record VarlinkNamedType(string Name) : VarlinkType;
