namespace SysUpdate.Varlink.Idl;

/// <summary><c>[]T</c>.</summary>
internal sealed record VarlinkArrayType(VarlinkType Element) : VarlinkType;
