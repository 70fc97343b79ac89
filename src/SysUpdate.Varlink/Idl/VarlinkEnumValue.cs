namespace SysUpdate.Varlink.Idl;

/// <summary>One name of an enum, with the <c>#</c> comment lines written above it.</summary>
internal sealed record VarlinkEnumValue(string Name, IReadOnlyList<string> Comments);
