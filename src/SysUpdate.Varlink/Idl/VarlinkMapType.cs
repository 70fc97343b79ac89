namespace SysUpdate.Varlink.Idl;

/// <summary><c>[string]T</c>: a JSON object with arbitrary keys and values of one type.</summary>
internal sealed record VarlinkMapType(VarlinkType Element) : VarlinkType;
