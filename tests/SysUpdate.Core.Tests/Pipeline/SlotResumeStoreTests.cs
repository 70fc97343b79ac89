using SysUpdate.Core.Pipeline;

namespace SysUpdate.Core.Tests.Pipeline;

/// <summary>A run killed while it saves a record leaves the temporary beside it: the record is still the old one, and
/// the temporary goes with the record once the slot is written.</summary>
public sealed class SlotResumeStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysupdate-resume-store-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly SlotIdentity Slot = new("/dev/disk0", 2, Guid.Parse("0d9c1d3e-8a0e-4f4b-9e37-2f3d7a0c1b55"), 1 << 20, 64 << 20);

    private static SlotResumeRecord RecordOf(long bytes) =>
        new(Slot, "http://127.0.0.1/usr-v2.raw", new string('a', 64), "\"tag\"", 32 << 20, bytes);

    [Fact]
    public void Save_OverTheTemporaryOfAKilledSave_KeepsOneRecordAndNoTemporary()
    {
        var store = new SlotResumeStore(_root);
        Assert.True(store.Save(RecordOf(1 << 20)));
        string record = Assert.Single(Directory.GetFiles(store.Directory));
        File.WriteAllText(record + ".tmp", "disk=/dev/disk0\npartit");

        Assert.Equal(RecordOf(1 << 20), store.Load(Slot));
        Assert.Equal(RecordOf(1 << 20), store.Find("/dev/disk0", "http://127.0.0.1/usr-v2.raw", new string('a', 64)));
        Assert.True(store.Save(RecordOf(2 << 20)));

        Assert.Equal([record], Directory.GetFiles(store.Directory));
        Assert.Equal(RecordOf(2 << 20), store.Load(Slot));
    }

    [Fact]
    public void Delete_AfterAKilledSave_RemovesTheRecordAndItsTemporary()
    {
        var store = new SlotResumeStore(_root);
        Assert.True(store.Save(RecordOf(1 << 20)));
        string record = Assert.Single(Directory.GetFiles(store.Directory));
        File.WriteAllText(record + ".tmp", "disk=/dev/disk0\npartit");

        store.Delete(Slot);

        Assert.Empty(Directory.GetFiles(store.Directory));
        Assert.Null(store.Load(Slot));
    }
}
