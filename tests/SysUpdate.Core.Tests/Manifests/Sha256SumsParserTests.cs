using System.Text;
using SysUpdate.Core.Manifests;

namespace SysUpdate.Core.Tests.Manifests;

public sealed class Sha256SumsParserTests
{
    private const string Source = "https://example.invalid/os/SHA256SUMS";
    private const string H = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string H2 = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly DateTimeOffset Now = new(2025, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static Manifest Parse(string content, DateTimeOffset? now = null, bool verifyFreshness = true, ListLogger? logger = null) =>
        Sha256SumsParser.Parse(Encoding.UTF8.GetBytes(content), Source, now ?? Now, verifyFreshness, logger);

    [Theory]
    [InlineData(H + "  file.raw\n", "file.raw")]
    [InlineData(H + " *file.raw\n", "file.raw")]
    [InlineData(H + " *dir/file.raw\n", "dir/file.raw")]
    [InlineData(H + " *a/b/c/usr_1.2.3.raw.xz\n", "a/b/c/usr_1.2.3.raw.xz")]
    [InlineData(H + " *my file.raw\n", "my file.raw")]
    [InlineData(H + " *ünïcödé_2.raw\n", "ünïcödé_2.raw")]
    [InlineData(H + " *.hidden\n", ".hidden")]
    [InlineData(H + " *...\n", "...")]
    [InlineData(H + " *a..b\n", "a..b")]
    [InlineData(H + " **star\n", "*star")]
    [InlineData(H + "   leading-space\n", " leading-space")]
    [InlineData(H + " *dir/BEST-BEFORE-2000-01-01\n", "dir/BEST-BEFORE-2000-01-01")]
    [InlineData(H + " *BEST-BEFORE-soon\n", "BEST-BEFORE-soon")]
    public void Parse_ValidLine_ReturnsEntry(string content, string expectedName)
    {
        Manifest manifest = Parse(content);

        ManifestEntry entry = Assert.Single(manifest.Entries);
        Assert.Equal(expectedName, entry.Name);
        Assert.Equal(H, entry.Sha256Hex);
        Assert.Equal(1, entry.Line);
    }

    [Fact]
    public void Parse_UppercaseDigest_ReturnsLowercase()
    {
        Manifest manifest = Parse(H.ToUpperInvariant() + " *file.raw\n");

        Assert.Equal(H, Assert.Single(manifest.Entries).Sha256Hex);
    }

    [Fact]
    public void Parse_Empty_ReturnsNoEntries()
    {
        Manifest manifest = Parse("");

        Assert.Empty(manifest.Entries);
        Assert.Null(manifest.BestBefore);
    }

    [Fact]
    public void Parse_SeveralLines_KeepsOrderAndLineNumbers()
    {
        Manifest manifest = Parse($"{H} *usr_1.raw\n{H2} *usr_2.raw\n{H}  sub/usr_3.raw\n");

        Assert.Equal(["usr_1.raw", "usr_2.raw", "sub/usr_3.raw"], manifest.Entries.Select(e => e.Name));
        Assert.Equal([1, 2, 3], manifest.Entries.Select(e => e.Line));
        Assert.Equal(H2, manifest.Entries[1].Sha256Hex);
    }

    public static TheoryData<string, int> InvalidManifests() => new()
    {
        { H + " *fi\0le.raw\n", 1 },                                // NUL
        { H + " *ok.raw\n" + H + " *bad\u00ff.raw\n", 2 },           // placeholder, replaced by invalid UTF-8 below
        { "abc\n", 1 },                                             // fewer than 67 bytes
        { H + " *ok.raw\nshort\n", 2 },                             // short second line
        { "\\" + H[1..] + " *esc\\naped\n", 1 },                   // escaped name
        { "g" + H[1..] + " *file.raw\n", 1 },                        // bad hex
        { H[..63] + "  *file.raw\n", 1 },                           // 63 hex digits
        { H + "0 *file.raw\n", 1 },                                 // 65 hex digits: no separator
        { H + "x*file.raw\n", 1 },                                  // missing separator
        { H + "\t*file.raw\n", 1 },                                 // tab separator
        { H + " xfile.raw\n", 1 },                                  // bad mode marker
        { H + " *file.raw", 1 },                                    // no terminating newline
        { H + " *ok.raw\n" + H + " *last.raw", 2 },                 // truncated last line
        { H + "  \n" + H + " *file.raw\n", 1 },                     // empty name
        { H + " */etc/passwd\n", 1 },                               // absolute
        { H + " *.\n", 1 },
        { H + " *..\n", 1 },
        { H + " *../escape.raw\n", 1 },
        { H + " *a/../b.raw\n", 1 },
        { H + " *./a.raw\n", 1 },
        { H + " *a/./b.raw\n", 1 },
        { H + " *a//b.raw\n", 1 },
        { H + " *dir/\n", 1 },                                      // trailing slash
        { H + " *tab\there.raw\n", 1 },                             // control character
        { H + " *crlf.raw\r\n", 1 },                                // CR
        { H + " *del\u007f.raw\n", 1 },                             // DEL
        { H + " *esc\u001b[0m.raw\n", 1 },                          // ESC
        { H + " *ok.raw\n\n" + H + " *file.raw\n", 2 },             // blank line
        { "# comment line that is long enough to pass the length check ....\n", 1 },
        { " " + H + " *file.raw\n", 1 },                            // leading whitespace
        { H + " *ok1.raw\n" + H + " *ok2.raw\n" + H + " */abs\n", 3 },
        { H + " *" + new string('a', 256) + "\n", 1 },              // component too long
    };

    [Theory]
    [MemberData(nameof(InvalidManifests))]
    public void Parse_InvalidContent_ThrowsWithLine(string content, int expectedLine)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        if (content.Contains('\u00ff'))
            bytes = [.. Encoding.UTF8.GetBytes(H + " *ok.raw\n" + H + " *bad"), 0xFF, .. ".raw\n"u8];

        var error = Assert.Throws<ManifestFormatException>(() => Sha256SumsParser.Parse(bytes, Source, Now, verifyFreshness: true));

        Assert.Equal(expectedLine, error.Line);
        Assert.Equal(Source, error.ManifestSource);
        Assert.StartsWith($"{Source}:{expectedLine}: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.IsAssignableFrom<SysUpdateException>(error);
    }

    // The two phrases below are what systemd 262.1's TEST-72 and scripts grep for, so here the wording is the contract.
    [Fact]
    public void Parse_DigestShortenedByWhitespace_RefusedAsShortHashNotCrash()
    {
        string content = H[..62] + "\t\t *malformed-v1.bin\n";

        var error = Assert.Throws<ManifestFormatException>(() => Parse(content));

        Assert.Equal(1, error.Line);
        Assert.Contains("Manifest hash at line 1 decoded to 31 bytes", error.Message);
    }

    [Fact]
    public void Parse_DigestWithInnerWhitespace_StillNeeds32Bytes()
    {
        // Whitespace inside the first 64 characters is skipped, as systemd's hex decoder does: 62 digits are 31 bytes.
        string content = H[..31] + "  " + H[31..62] + " *file.raw\n";

        var error = Assert.Throws<ManifestFormatException>(() => Parse(content));

        Assert.Contains("decoded to 31 bytes", error.Message);
    }

    [Theory]
    [InlineData("sub/nested/../blob-v11.bin")]
    [InlineData("sub/nested/%2e%2e/blob-v11.bin")]
    [InlineData("sub/%2E%2E/blob-v11.bin")]
    [InlineData("blob-v%31.bin")]
    [InlineData("a%/blob-v1.bin")]
    public void Parse_TraversalOrPercentInName_InvalidFilenameOnItsLine(string name)
    {
        var error = Assert.Throws<ManifestFormatException>(() => Parse($"{H} *ok-v1.bin\n{H} *{name}\n"));

        Assert.Equal(2, error.Line);
        Assert.Contains("Invalid filename specified at manifest line 2, refusing.", error.Message);
    }

    [Fact]
    public void Parse_EscapedName_ReportsEopnotsupp()
    {
        var error = Assert.Throws<ManifestFormatException>(() => Parse("\\" + H[1..] + " *x\n"));

        Assert.Equal(Errno.EOPNOTSUPP, error.Errno);
    }

    [Fact]
    public void Parse_FreshBestBefore_ExcludedAndReported()
    {
        var logger = new ListLogger();

        Manifest manifest = Parse($"{EmptyHash} *BEST-BEFORE-2025-06-16\n{H} *usr_1.raw\n", logger: logger);

        Assert.Equal(["usr_1.raw"], manifest.Entries.Select(e => e.Name));
        Assert.Equal(new DateOnly(2025, 6, 16), manifest.BestBefore);
        Assert.Empty(logger.Warnings);
    }

    [Fact]
    public void Parse_StaleBestBefore_ThrowsEstale()
    {
        var error = Assert.Throws<StaleManifestException>(() => Parse($"{H} *usr_1.raw\n{EmptyHash} *BEST-BEFORE-2025-06-14\n"));

        Assert.Equal(Errno.ESTALE, error.Errno);
        Assert.Equal(new DateOnly(2025, 6, 14), error.BestBefore);
        Assert.Contains("Best before marker indicates out-of-date file list, refusing", error.Message);
        Assert.StartsWith($"{Source}:2: ", error.Message);
    }

    [Fact]
    public void Parse_BestBeforeToday_IsStaleAfterMidnightUtc()
    {
        string content = $"{EmptyHash} *BEST-BEFORE-2025-06-15\n";

        Assert.Throws<StaleManifestException>(() => Parse(content, now: new DateTimeOffset(2025, 6, 15, 0, 0, 1, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2025, 6, 15), Parse(content, now: new DateTimeOffset(2025, 6, 15, 0, 0, 0, TimeSpan.Zero)).BestBefore);
        // 23:30 on the 14th in UTC-2 is already 01:30 UTC on the 15th.
        Assert.Throws<StaleManifestException>(() => Parse(content, now: new DateTimeOffset(2025, 6, 14, 23, 30, 0, TimeSpan.FromHours(-2))));
    }

    [Fact]
    public void Parse_StaleBestBeforeWithoutFreshnessCheck_Warns()
    {
        var logger = new ListLogger();

        Manifest manifest = Parse($"{EmptyHash} *BEST-BEFORE-2000-01-01\n{H} *usr_1.raw\n", verifyFreshness: false, logger: logger);

        Assert.Equal(["usr_1.raw"], manifest.Entries.Select(e => e.Name));
        Assert.Equal(new DateOnly(2000, 1, 1), manifest.BestBefore);
        Assert.Contains(logger.Warnings, w => w.Contains("out-of-date", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("BEST-BEFORE-soon")]
    [InlineData("BEST-BEFORE-2025-13-01")]
    [InlineData("BEST-BEFORE-2023-02-29")]
    [InlineData("BEST-BEFORE-2025-06-15x")]
    [InlineData("BEST-BEFORE-20250-01-01")]
    [InlineData("BEST-BEFORE-")]
    public void Parse_UnparsableBestBefore_WarnsAndKeepsAsEntry(string name)
    {
        var logger = new ListLogger();

        Manifest manifest = Parse($"{EmptyHash} *{name}\n", logger: logger);

        Assert.Equal(name, Assert.Single(manifest.Entries).Name);
        Assert.Null(manifest.BestBefore);
        Assert.Contains(logger.Warnings, w => w.Contains("invalid date", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BestBeforeShortFields_Accepted()
    {
        Manifest manifest = Parse($"{EmptyHash} *BEST-BEFORE-2030-1-2\n");

        Assert.Equal(new DateOnly(2030, 1, 2), manifest.BestBefore);
    }

    [Fact]
    public void Parse_BestBeforeUnexpectedHash_WarnsButHonoursDate()
    {
        var logger = new ListLogger();

        Assert.Throws<StaleManifestException>(() => Parse($"{H} *BEST-BEFORE-2001-01-01\n", logger: logger));
        Manifest manifest = Parse($"{H} *BEST-BEFORE-2031-01-01\n", logger: logger);

        Assert.Empty(manifest.Entries);
        Assert.Equal(2, logger.Warnings.Count(w => w.Contains("unexpected value", StringComparison.Ordinal)));
    }

    [Fact]
    public void Parse_SeveralBestBefore_EarliestWinsAndAnyStaleRefuses()
    {
        Manifest manifest = Parse($"{EmptyHash} *BEST-BEFORE-2031-01-01\n{EmptyHash} *BEST-BEFORE-2030-01-01\n");
        Assert.Equal(new DateOnly(2030, 1, 1), manifest.BestBefore);

        Assert.Throws<StaleManifestException>(() => Parse($"{EmptyHash} *BEST-BEFORE-2031-01-01\n{EmptyHash} *BEST-BEFORE-2020-01-01\n"));
    }

    [Fact]
    public void Parse_RandomValidManifests_RoundTrip()
    {
        FsCheck.Check.QuickThrowOnFailure(FsCheck.Fluent.Prop.ForAll<int>(
            seed =>
            {
                int count = Math.Abs(seed % 41);
                var random = new Random(seed);
                var lines = new StringBuilder();
                var expected = new List<(string, string)>();
                for (int i = 0; i < count; i++)
                {
                    string hash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
                    string name = random.Next(3) == 0 ? $"dir{i}/file_{i}.raw" : $"file_{i}.raw.xz";
                    lines.Append(hash).Append(random.Next(2) == 0 ? " *" : "  ").Append(name).Append('\n');
                    expected.Add((name, hash));
                }
                Manifest manifest = Parse(lines.ToString());
                return manifest.Entries.Select(e => (e.Name, e.Sha256Hex)).SequenceEqual(expected);
            }));
    }
}
