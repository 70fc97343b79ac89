using SysUpdate.Core.Delta;
using SysUpdate.Core.Manifests;

namespace SysUpdate.Core.Tests.Delta;

/// <summary>Which manifest entry is an image's casync index, and where its chunk store is.</summary>
public sealed class ChunkIndexLocatorTests
{
    private const string Base = "https://updates.example.org/os";
    private static readonly string ImageHash = new('a', 64);
    private static readonly string IndexHash = new('b', 64);

    [Theory]
    [InlineData("usr_3.raw", "usr_3.raw.caibx")]
    [InlineData("usr_3.raw.zst", "usr_3.raw.caibx")]
    [InlineData("usr_3.raw.xz", "usr_3.raw.caibx")]
    [InlineData("usr_3.raw.gz", "usr_3.raw.caibx")]
    [InlineData("usr_3.raw.bz2", "usr_3.raw.caibx")]
    [InlineData("usr_3.efi", "usr_3.efi.caibx")]
    public void IndexNameFor_StripsOneCompressionSuffix(string image, string index) =>
        Assert.Equal(index, ChunkIndexLocator.IndexNameFor(image));

    [Fact]
    public void Find_RawImageWithIndex_DefaultStoreBesideManifestAndImageHash()
    {
        var image = new ManifestEntry("usr_3.raw", ImageHash, 1);
        var manifest = new Manifest([image, new ManifestEntry("usr_3.raw.caibx", IndexHash, 2)], null);

        var found = ChunkIndexLocator.Find(manifest, image, Base, storeOverride: null);

        Assert.NotNull(found);
        Assert.Equal(new Uri(Base + "/usr_3.raw.caibx"), found.IndexUrl);
        Assert.Equal(IndexHash, found.IndexSha256);
        Assert.Equal(new Uri(Base + "/default.castr/"), found.StoreUrl);
        Assert.Equal(ImageHash, found.ImageSha256);
    }

    [Fact]
    public void Find_CompressedImage_NoImageHashForTheAssembledBytes()
    {
        var image = new ManifestEntry("usr_3.raw.zst", ImageHash, 1);
        var manifest = new Manifest([image, new ManifestEntry("usr_3.raw.caibx", IndexHash, 2)], null);

        var found = ChunkIndexLocator.Find(manifest, image, Base + "/", storeOverride: "file:///srv/store");

        Assert.NotNull(found);
        Assert.Null(found.ImageSha256);
        Assert.Equal(new Uri("file:///srv/store/"), found.StoreUrl);
        Assert.Equal(new Uri(Base + "/usr_3.raw.caibx"), found.IndexUrl);
    }

    [Fact]
    public void Find_NoIndexListed_Null()
    {
        var image = new ManifestEntry("usr_3.raw", ImageHash, 1);
        var manifest = new Manifest([image, new ManifestEntry("usr_2.raw.caibx", IndexHash, 2)], null);
        Assert.Null(ChunkIndexLocator.Find(manifest, image, Base, null));
    }

    [Fact]
    public void Find_PayloadIsItselfNamedCaibx_NotTreatedAsHavingAnIndex()
    {
        // TEST-72 publishes random bytes named linux-v3.erofs.caibx as an ordinary payload of its own transfer.
        var payload = new ManifestEntry("linux-v3.erofs.caibx", ImageHash, 1);
        var manifest = new Manifest([payload, new ManifestEntry("linux-v3.erofs.caibx.caibx", IndexHash, 2)], null);
        Assert.Null(ChunkIndexLocator.Find(manifest, payload, Base, null));
    }
}
