namespace SysUpdate.Varlink.Idl;

/// <summary><c>bool</c>, <c>int</c>, <c>float</c>, <c>string</c> or <c>object</c>.</summary>
internal sealed record VarlinkPrimitiveType(VarlinkPrimitiveKind Kind) : VarlinkType
{
    public string Keyword => Kind switch
    {
        VarlinkPrimitiveKind.Bool => "bool",
        VarlinkPrimitiveKind.Int => "int",
        VarlinkPrimitiveKind.Float => "float",
        VarlinkPrimitiveKind.String => "string",
        VarlinkPrimitiveKind.Object => "object",
        _ => throw new InvalidOperationException($"Unknown primitive kind {(int)Kind}"),
    };

    public static VarlinkPrimitiveType? FromKeyword(string word) => word switch
    {
        "bool" => new(VarlinkPrimitiveKind.Bool),
        "int" => new(VarlinkPrimitiveKind.Int),
        "float" => new(VarlinkPrimitiveKind.Float),
        "string" => new(VarlinkPrimitiveKind.String),
        "object" => new(VarlinkPrimitiveKind.Object),
        _ => null,
    };
}
