namespace SysUpdate.Varlink.Idl;

internal enum VarlinkPrimitiveKind
{
    Bool,
    Int,
    Float,
    String,

    /// <summary>A foreign JSON object, not described further by the interface.</summary>
    Object,
}
