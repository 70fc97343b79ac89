namespace SysUpdate.Varlink.Idl;

/// <summary>One field of a struct, with the <c>#</c> comment lines written above it.</summary>
internal sealed record VarlinkField(string Name, VarlinkType Type, IReadOnlyList<string> Comments);
