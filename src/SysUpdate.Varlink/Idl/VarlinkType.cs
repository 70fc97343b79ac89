namespace SysUpdate.Varlink.Idl;

/// <summary>A type expression of the Varlink interface definition language.</summary>
internal abstract record VarlinkType;
