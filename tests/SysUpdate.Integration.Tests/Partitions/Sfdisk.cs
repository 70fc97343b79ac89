using System.Globalization;
using System.Text.Json;
using SysUpdate.Core.Disk;

namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>util-linux <c>sfdisk</c> as the independent reader our GPT code is checked against.</summary>
internal static class Sfdisk
{
    /// <summary>Asserts <c>sfdisk --verify</c> exits 0 and reports no errors.</summary>
    public static void AssertVerifyClean(string target, string because)
    {
        var (exit, stdout, stderr) = DiskTools.Run("sfdisk", "--verify", target);
        Assert.True(exit == 0 && stdout.Contains("No errors detected", StringComparison.Ordinal) && stderr.Trim().Length == 0,
            $"{because}: sfdisk --verify {target} (exit {exit}):\n{stdout}{stderr}");
    }

    /// <summary>
    /// Asserts that <c>sfdisk --json</c> on <paramref name="target"/> sees exactly the table
    /// <paramref name="ours"/> was read from: disk GUID, sector size, usable range, and per entry the
    /// number, start and size (in sectors), type, UUID, name and attributes.
    /// </summary>
    public static void AssertAgrees(string target, GptDisk ours, string because)
    {
        var (exit, stdout, stderr) = DiskTools.Run("sfdisk", "--json", target);
        Assert.True(exit == 0, $"{because}: sfdisk --json {target} failed ({exit}): {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var table = doc.RootElement.GetProperty("partitiontable");
        Assert.Equal("gpt", table.GetProperty("label").GetString());
        Assert.Equal(ours.DiskGuid, Guid.Parse(table.GetProperty("id").GetString()!));
        Assert.Equal(ours.SectorSize, table.GetProperty("sectorsize").GetInt32());
        Assert.Equal(ours.FirstUsableLba, table.GetProperty("firstlba").GetUInt64());
        Assert.Equal(ours.LastUsableLba, table.GetProperty("lastlba").GetUInt64());

        var theirs = table.TryGetProperty("partitions", out var list) ? list.EnumerateArray().ToList() : [];
        Assert.True(ours.Partitions.Count == theirs.Count, $"{because}: we see {ours.Partitions.Count} partitions, sfdisk {theirs.Count}:\n{stdout}");
        for (int i = 0; i < theirs.Count; i++)
        {
            var p = theirs[i];
            var mine = ours.Partitions[i];
            string node = p.GetProperty("node").GetString()!;
            string where = $"{because}: partition {mine.Number} ({node})";
            Assert.True(node.EndsWith(mine.Number.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), $"{where}: numbering differs");
            Assert.True(mine.FirstLba == p.GetProperty("start").GetUInt64(), $"{where}: start");
            Assert.True(mine.LastLba - mine.FirstLba + 1 == p.GetProperty("size").GetUInt64(), $"{where}: size");
            Assert.True(mine.Type == Guid.Parse(p.GetProperty("type").GetString()!), $"{where}: type {mine.Type} vs {p.GetProperty("type")}");
            Assert.True(mine.Uuid == Guid.Parse(p.GetProperty("uuid").GetString()!), $"{where}: uuid");
            string name = p.TryGetProperty("name", out var n) ? n.GetString()! : string.Empty;
            Assert.True(mine.Name == name, $"{where}: name '{mine.Name}' vs '{name}'");
            string attrs = p.TryGetProperty("attrs", out var a) ? a.GetString()! : string.Empty;
            Assert.True(FormatAttributes(mine.Attributes) == attrs, $"{where}: attrs '{FormatAttributes(mine.Attributes)}' vs '{attrs}'");
        }
    }

    /// <summary>Attribute bits as libfdisk prints them ("RequiredPartition LegacyBIOSBootable GUID:60,63"),
    /// for the bits it names (0–2 and 48–63).</summary>
    public static string FormatAttributes(ulong attributes)
    {
        if ((attributes & 0x0000_FFFF_FFFF_FFF8UL) != 0)
            throw new ArgumentException($"attribute bits 3–47 are not expected in these tests: 0x{attributes:x16}", nameof(attributes));
        var words = new List<string>();
        if ((attributes & 1) != 0)
            words.Add("RequiredPartition");
        if ((attributes & 2) != 0)
            words.Add("NoBlockIOProtocol");
        if ((attributes & 4) != 0)
            words.Add("LegacyBIOSBootable");
        var guidBits = Enumerable.Range(48, 16).Where(b => (attributes & (1UL << b)) != 0).ToList();
        if (guidBits.Count > 0)
            words.Add("GUID:" + string.Join(',', guidBits));
        return string.Join(' ', words);
    }
}
