using SysUpdate.Core.Config;

namespace SysUpdate.Cli.Commands.Features;

/// <summary>How tables show a <see cref="SuggestState"/>, in systemd 262's words.</summary>
internal static class SuggestText
{
    /// <summary>The SUGGESTED column: ✓, ✗, or null ("-") when it cannot be determined.</summary>
    public static string? Mark(SuggestState state) => state switch
    {
        SuggestState.Suggested => "✓",
        SuggestState.NotSuggested => "✗",
        _ => null,
    };

    /// <summary>The "Suggested:" row of a detail view.</summary>
    public static string Word(SuggestState state) => state switch
    {
        SuggestState.Suggested => "yes",
        SuggestState.NotSuggested => "no",
        _ => "error (Invalid argument)",
    };

    /// <summary>The JSON <c>suggested</c> member; null when it is to be left out.</summary>
    public static bool? Json(SuggestState state) => state switch
    {
        SuggestState.Suggested => true,
        SuggestState.NotSuggested => false,
        _ => null,
    };
}
