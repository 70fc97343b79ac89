using SysUpdate.Core.Instances;

namespace SysUpdate.Core.Sources;

/// <summary>A source whose payloads can be fetched from more than one base URL (<c>Mirror=</c>).</summary>
internal interface IMirroredSource
{
    /// <summary>The same version at every base URL, in the order to try: the one whose manifest listed it first, then the
    /// others, the one that last worked ahead. One element when the source has no mirrors.</summary>
    IReadOnlyList<Instance> Alternatives(Instance instance);

    /// <summary>The payload of <paramref name="instance"/> (one of <see cref="Alternatives"/>) was written and verified.</summary>
    void Worked(Instance instance);
}
