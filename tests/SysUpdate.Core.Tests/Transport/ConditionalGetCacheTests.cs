using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Tests.Transport;

public sealed class ConditionalGetCacheTests : IDisposable
{
    private static readonly Uri Url = new("https://example.org/v/SHA256SUMS");
    private readonly string _directory = Directory.CreateTempSubdirectory("sysupdate-cache-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task TryLoadAsync_AfterStore_ReturnsBodyAndValidators()
    {
        var cache = new ConditionalGetCache(_directory);
        var modified = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
        await cache.StoreAsync(Url, "a\nb\n\n"u8.ToArray(), "W/\"tag\"", modified);

        CacheEntry? entry = await cache.TryLoadAsync(Url, 1024);

        Assert.NotNull(entry);
        Assert.Equal("a\nb\n\n"u8.ToArray(), entry.Body.ToArray());
        Assert.Equal("W/\"tag\"", entry.ETag);
        Assert.Equal(modified, entry.LastModified);
        Assert.Null(await cache.TryLoadAsync(new Uri("https://example.org/other"), 1024));
    }

    [Fact]
    public async Task TryLoadAsync_TruncatedEntry_ReturnsNull()
    {
        var cache = new ConditionalGetCache(_directory);
        await cache.StoreAsync(Url, new byte[100], "\"t\"", null);
        string path = Assert.Single(Directory.GetFiles(_directory));
        byte[] data = File.ReadAllBytes(path);
        File.WriteAllBytes(path, data[..^1]);

        Assert.Null(await cache.TryLoadAsync(Url, 1024));
    }

    [Fact]
    public async Task TryLoadAsync_EntryOverLimit_ReturnsNull()
    {
        var cache = new ConditionalGetCache(_directory);
        await cache.StoreAsync(Url, new byte[100], "\"t\"", null);

        Assert.Null(await cache.TryLoadAsync(Url, 99));
    }

    [Fact]
    public async Task Remove_StoredEntry_IsGone()
    {
        var cache = new ConditionalGetCache(_directory);
        await cache.StoreAsync(Url, new byte[1], "\"t\"", null);

        cache.Remove(Url);

        Assert.Null(await cache.TryLoadAsync(Url, 1024));
        Assert.Empty(Directory.GetFiles(_directory));
    }
}
