namespace SysUpdate.Varlink.Idl;

/// <summary><c>?T</c>: the value may be null or absent.</summary>
internal sealed record VarlinkNullableType(VarlinkType Inner) : VarlinkType;
