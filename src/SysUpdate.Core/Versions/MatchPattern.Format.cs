using System.Text;

namespace SysUpdate.Core.Versions;

internal sealed partial class MatchPattern
{
    /// <summary>
    /// Writes the name (or relative path) this pattern gives an instance with
    /// <paramref name="metadata"/>: literals and <c>/</c> as written, fields as
    /// <c>@v</c> as is, <c>@u</c> 32 lowercase hex digits, <c>@f</c> lowercase hex, <c>@m</c> octal
    /// with at least three digits, <c>@t @s @d @l</c> decimal, <c>@a @r @g</c> <c>1</c>/<c>0</c>,
    /// <c>@h</c> lowercase hex. A <c>**/</c> prefix is dropped (the name is a basename).
    /// Values are written as given, with no defaults: boot counting callers pass
    /// <see cref="InstanceMetadata.TriesLeft"/>/<see cref="InstanceMetadata.TriesDone"/> themselves.
    /// </summary>
    /// <exception cref="SysUpdateException">A field of the pattern has no value in <paramref name="metadata"/> (ENXIO).</exception>
    public string Format(InstanceMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);

        var result = new StringBuilder();
        foreach (PatternElement element in _elements)
        {
            switch (element.Kind)
            {
                case PatternElementKind.Literal:
                    result.Append(element.Text);
                    break;

                case PatternElementKind.Slash:
                    result.Append('/');
                    break;

                case PatternElementKind.Field:
                    string value = PatternField.Format(element.Marker, metadata)
                        ?? throw new SysUpdateException(
                            $"Cannot format pattern '{Text}': the {PatternField.Describe(element.Marker)} (@{element.Marker}) is not known")
                        {
                            Errno = Errno.ENXIO,
                        };
                    result.Append(value);
                    break;
            }
        }

        return result.ToString();
    }
}
