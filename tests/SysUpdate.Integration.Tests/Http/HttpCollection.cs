namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// The HTTP tests share one <see cref="HttpImages"/> build and run one after another, so the timing
/// tests (stall, retries) are not squeezed by each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HttpCollection : ICollectionFixture<HttpImages>
{
    public const string Name = "Http";
}
