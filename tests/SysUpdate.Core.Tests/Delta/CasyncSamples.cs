namespace SysUpdate.Core.Tests.Delta;

/// <summary>Images and <c>casync make</c> parameters every format test runs against.</summary>
internal static class CasyncSamples
{
    /// <summary>(image size, --chunk-size or null for casync's 16/64/256 KiB, --digest or null for sha512-256).</summary>
    public static TheoryData<int, string?, string?> Cases => new()
    {
        { 0, null, null },
        { 1000, null, null },                       // shorter than the minimum chunk: one short chunk
        { 256 * 1024, null, null },                 // exactly the maximum chunk size
        { (256 * 1024) + 1, null, null },
        { 5 * 1024 * 1024, null, null },
        { 5 * 1024 * 1024, null, "sha256" },
        { 1024 * 1024, "4096:16384:65536", null },
        { 1024 * 1024, "16384", "sha256" },         // avg only: casync derives min = avg/4, max = avg*4
        { 300_000, "8192:8192:8192", null },        // min = avg = max: casync's fixed-size chunker
        { 200_000, "32:64:256", null },             // minimum below the 48-byte window
        { 1024 * 1024, "1000:3000:100000", null },  // min/max not avg/4 and avg*4
    };
}
