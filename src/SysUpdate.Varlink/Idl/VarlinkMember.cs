namespace SysUpdate.Varlink.Idl;

/// <summary>A <c>type</c>, <c>method</c> or <c>error</c> of an interface.</summary>
internal abstract record VarlinkMember(string Name, IReadOnlyList<string> Comments);
