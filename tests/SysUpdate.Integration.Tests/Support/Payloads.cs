namespace SysUpdate.Integration.Tests.Support;

/// <summary>Writes source payloads with content unique to the test run, so copies can be compared.</summary>
internal static class Payloads
{
    public static string WriteFile(string path, string? content = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content ?? $"{Path.GetFileName(path)} {Guid.NewGuid():N}\n");
        return path;
    }

    /// <summary>A source directory instance with two files and a subdirectory.</summary>
    public static string WriteTree(string path)
    {
        WriteFile(Path.Combine(path, "foo.txt"));
        WriteFile(Path.Combine(path, "sub", "bar.txt"));
        return path;
    }

    public static void AssertSameFile(string expected, string actual)
    {
        Assert.True(File.Exists(actual), $"missing {actual}");
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(actual));
    }

    public static void AssertSameTree(string expected, string actual)
    {
        Assert.True(Directory.Exists(actual), $"missing directory {actual}");
        var want = Directory.EnumerateFiles(expected, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(expected, p)).Order(StringComparer.Ordinal).ToList();
        var got = Directory.EnumerateFiles(actual, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(actual, p)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(want, got);
        foreach (var rel in want)
            AssertSameFile(Path.Combine(expected, rel), Path.Combine(actual, rel));
    }

    /// <summary>Names directly in a directory (files, dirs, links), sorted; empty if it is missing.</summary>
    public static List<string> Names(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFileSystemEntries(dir).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToList()
            : [];
}
