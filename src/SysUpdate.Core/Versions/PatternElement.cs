namespace SysUpdate.Core.Versions;

/// <summary>One piece of a parsed <see cref="MatchPattern"/>.</summary>
/// <param name="Kind">Literal, slash or field.</param>
/// <param name="Text">The literal text for <see cref="PatternElementKind.Literal"/>, else empty.</param>
/// <param name="Marker">The field letter (<c>v</c>, <c>u</c>, …) for <see cref="PatternElementKind.Field"/>, else <c>'\0'</c>.</param>
internal readonly record struct PatternElement(PatternElementKind Kind, string Text, char Marker)
{
    public static readonly PatternElement Slash = new(PatternElementKind.Slash, string.Empty, '\0');

    public static PatternElement Literal(string text) => new(PatternElementKind.Literal, text, '\0');

    public static PatternElement Field(char marker) => new(PatternElementKind.Field, string.Empty, marker);
}
