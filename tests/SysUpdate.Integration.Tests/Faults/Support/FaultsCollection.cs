namespace SysUpdate.Integration.Tests.Faults.Support;

/// <summary>
/// The race and kill campaigns run one after another: each runs many processes against a paced
/// server, and running them side by side would only slow each other down on a small machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultsCollection
{
    public const string Name = "Faults";
}
