namespace SysUpdate.Core.Versions;

internal sealed partial class MatchPattern
{
    /// <summary>
    /// Matches a name or a path relative to the resource's <c>Path=</c> (components separated by
    /// <c>/</c>, no leading <c>/</c>) the way systemd's <c>pattern_match()</c> does, without
    /// backtracking: a literal must come next in the input; a field followed by a literal captures
    /// up to the <em>first</em> occurrence of that literal, a field followed by <c>/</c> up to the
    /// next <c>/</c> (or the end), a final field up to the end; captured text must parse for its
    /// field. The whole input must be consumed.
    /// </summary>
    /// <param name="input">The file name, partition label, relative path or manifest entry.</param>
    /// <param name="metadata">The parsed fields on <see cref="PatternMatch.Yes"/>/<see cref="PatternMatch.YesAndRetry"/>, otherwise <see cref="InstanceMetadata.Empty"/>.</param>
    /// <returns>
    /// For a plain pattern: <see cref="PatternMatch.Yes"/>, <see cref="PatternMatch.No"/>, or
    /// <see cref="PatternMatch.Retry"/> when the input matched up to a <c>/</c> of the pattern and
    /// then ended (<c>dir/@v/file.raw</c> against <c>dir</c> or <c>dir/1</c>).
    /// For a <c>**/NAME</c> pattern, NAME is matched against the part after the last <c>/</c> of
    /// the input: <see cref="PatternMatch.YesAndRetry"/> if it matches, else
    /// <see cref="PatternMatch.Retry"/> (a directory at any depth may hold matches, so it is never
    /// <see cref="PatternMatch.No"/>).
    /// </returns>
    /// <remarks>
    /// How callers use the result (see also <see cref="MatchPatterns.MatchAny"/>):
    /// <list type="bullet">
    /// <item>Walking a directory tree: for each entry build its path relative to <c>Path=</c>
    /// (<c>sub/entry</c>). If the result includes Yes (<see cref="PatternMatch.Yes"/>,
    /// <see cref="PatternMatch.YesAndRetry"/>) and the entry has the wanted type, it is an instance.
    /// If the result includes Retry (<see cref="PatternMatch.Retry"/>, <see cref="PatternMatch.YesAndRetry"/>)
    /// and the entry is a directory that is not itself taken as an instance, descend into it and match
    /// its entries as <c>sub/entry/child</c>.</item>
    /// <item>A list of manifest sub-paths (<c>SHA256SUMS</c> lines such as <c>sub/file.raw</c>):
    /// every entry is a file, so only Yes counts; <see cref="PatternMatch.Retry"/> means no match.</item>
    /// </list>
    /// </remarks>
    public PatternMatch Match(string input, out InstanceMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(input);

        if (!HasGlobPrefix)
        {
            return MatchElements(input, out metadata);
        }

        string baseName = input[(input.LastIndexOf('/') + 1)..];
        return _withoutGlobPrefix.MatchElements(baseName, out metadata) == PatternMatch.Yes
            ? PatternMatch.YesAndRetry
            : PatternMatch.Retry;
    }

    private PatternMatch MatchElements(string input, out InstanceMetadata metadata)
    {
        metadata = InstanceMetadata.Empty;
        InstanceMetadata found = InstanceMetadata.Empty;
        int position = 0;

        for (int k = 0; k < _elements.Length; k++)
        {
            PatternElement element = _elements[k];
            switch (element.Kind)
            {
                case PatternElementKind.Slash:
                    if (position == input.Length)
                    {
                        return PatternMatch.Retry;
                    }

                    if (input[position] != '/')
                    {
                        return PatternMatch.No;
                    }

                    position++;
                    break;

                case PatternElementKind.Literal:
                    if (!input.AsSpan(position).StartsWith(element.Text, StringComparison.Ordinal))
                    {
                        return PatternMatch.No;
                    }

                    position += element.Text.Length;
                    break;

                case PatternElementKind.Field:
                    int end;
                    if (k + 1 == _elements.Length)
                    {
                        end = input.Length;
                    }
                    else if (_elements[k + 1].Kind == PatternElementKind.Slash)
                    {
                        end = input.IndexOf('/', position);
                        if (end < 0)
                        {
                            end = input.Length;
                        }
                    }
                    else
                    {
                        // Parse guarantees that a field is followed by a literal or a slash.
                        end = input.IndexOf(_elements[k + 1].Text, position, StringComparison.Ordinal);
                        if (end < 0)
                        {
                            return PatternMatch.No;
                        }
                    }

                    if (!PatternField.TryParse(element.Marker, input[position..end], ref found))
                    {
                        return PatternMatch.No;
                    }

                    position = end;
                    break;
            }
        }

        // The pattern is done; anything left over (foo-1.raw.tar for foo-@v.raw) is no match.
        if (position != input.Length)
        {
            return PatternMatch.No;
        }

        metadata = found;
        return PatternMatch.Yes;
    }
}
