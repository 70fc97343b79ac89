namespace SysUpdate.Core.Config;

/// <summary>Whether a feature or component is suggested; <see cref="Invalid"/> when a <c>SuggestOn…=</c>
/// condition cannot be evaluated (upstream shows "error (Invalid argument)" and omits <c>suggested</c>).</summary>
internal enum SuggestState
{
    NotSuggested,
    Suggested,
    Invalid,
}
