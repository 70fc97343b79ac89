using SysUpdate.Core.Config;
using SysUpdate.Core.Operations;

namespace SysUpdate.Core.Tests.Operations;

public sealed class FeatureDropInTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("sysupdate-dropin-");

    public void Dispose() => _root.Delete(recursive: true);

    private Definitions Definitions() =>
        DefinitionLoader.Load(new DefinitionOptions { Root = _root.FullName }, new HostIdentity(_root.FullName));

    [Fact]
    public async Task SetAsync_WritesEnabledAndReplacesAtomically_NullRemoves()
    {
        var definitions = Definitions();
        string path = FeatureDropIn.PathFor(definitions, "extra");

        await FeatureDropIn.SetAsync(definitions, "extra", true, "test");
        Assert.Equal("# Generated via test\n\n[Feature]\nEnabled=yes\n", File.ReadAllText(path));
        Assert.StartsWith(Path.Combine(_root.FullName, "etc", "sysupdate.d"), path, StringComparison.Ordinal);

        await FeatureDropIn.SetAsync(definitions, "extra", false, "test");
        Assert.EndsWith("Enabled=no\n", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!));

        await FeatureDropIn.SetAsync(definitions, "extra", null, "test");
        Assert.False(File.Exists(path));
    }
}
