namespace SysUpdate.Core.Pipeline;

/// <summary>
/// The <see cref="SlotResumeRecord"/>s, outside the disks they describe: below the root in
/// <c>/var/lib/systemd/sysupdate/resume/</c>, one small file per slot named by <see cref="SlotResumeRecord.FileNameOf"/>.
/// A record is replaced atomically (temporary file, fsync, rename, fsync of the directory), so after a crash it is the
/// old or the new one, never a torn one. Failing to write or remove one is never fatal: the next run then starts over,
/// or re-hashes bytes that the final SHA-256 check judges anyway.
/// </summary>
internal sealed class SlotResumeStore(string root)
{
    public string Directory { get; } = Path.Combine(root, "var/lib/systemd/sysupdate/resume");

    /// <summary>The disk as records name it: the path without <c>--root</c>, so a root that moves keeps its records.</summary>
    public string DiskName(string disk) => root == "/" ? disk : "/" + Path.GetRelativePath(root, disk);

    public SlotResumeRecord? Load(SlotIdentity slot) => Read(PathOf(slot)) is { } record && record.Slot == slot ? record : null;

    /// <summary>The record of an earlier run for this payload on <paramref name="disk"/> (as <see cref="DiskName"/> names it), if any.</summary>
    public SlotResumeRecord? Find(string disk, string url, string sha256)
    {
        if (!System.IO.Directory.Exists(Directory))
            return null;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            if (Path.GetFileName(file).Length == 64
                && Read(file) is { } record && record.Slot.Disk == disk && record.Url == url && string.Equals(record.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
                return record;
        }
        return null;
    }

    /// <returns>Whether the record is on stable storage.</returns>
    public bool Save(SlotResumeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string? text = record.Format();
        if (text is null)
            return false;
        string path = PathOf(record.Slot);
        string temporary = TemporaryOf(path);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            Native.LibC.FsyncPath(Directory);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SysUpdateException)
        {
            return false; // the slot's bytes stay; without a record the next run writes them again
        }
    }

    /// <summary>Removes the slot's record and the temporary a run killed inside <see cref="Save"/> leaves behind.</summary>
    public void Delete(SlotIdentity slot)
    {
        string path = PathOf(slot);
        try
        {
            File.Delete(path);
            File.Delete(TemporaryOf(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale record only makes a later run re-hash bytes; the final SHA-256 check judges them.
        }
    }

    private string PathOf(SlotIdentity slot) => Path.Combine(Directory, SlotResumeRecord.FileNameOf(slot));

    private static string TemporaryOf(string path) => path + ".tmp";

    private static SlotResumeRecord? Read(string path)
    {
        try
        {
            return File.Exists(path) ? SlotResumeRecord.Parse(File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
