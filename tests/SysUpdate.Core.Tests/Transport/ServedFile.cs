using System.Security.Cryptography;

namespace SysUpdate.Core.Tests.Transport;

/// <summary>
/// A file the <see cref="TestHttpServer"/> serves, with switches for the faults it injects.
/// Thread-safe enough for tests: switches are set before the request that uses them.
/// </summary>
internal sealed class ServedFile
{
    private byte[] _content = [];
    private int _failuresLeft;
    private int _cutsLeft;

    public ServedFile(byte[] content) => Content = content;

    /// <summary>The body; setting it also changes the ETag (as a real server would).</summary>
    public byte[] Content
    {
        get => _content;
        set
        {
            _content = value;
            ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(value))[..16] + "\"";
        }
    }

    /// <summary>Set to change the validator without changing the bytes (a mirror that re-synced the same file).</summary>
    public string ETag { get; set; } = "\"\"";

    public DateTimeOffset LastModified { get; set; } = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public bool SendETag { get; set; } = true;

    public bool SendLastModified { get; set; } = true;

    /// <summary>Honour Range/If-Range (else always 200 with the whole body).</summary>
    public bool SupportsRanges { get; set; } = true;

    /// <summary>Status sent instead of the file while <see cref="FailTimes"/> lasts.</summary>
    public int FailStatus { get; set; } = 500;

    /// <summary>How many next requests get <see cref="FailStatus"/> (int.MaxValue: forever).</summary>
    public int FailTimes
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    /// <summary>Abort the connection after this many body bytes, for the next <see cref="CutTimes"/> responses.</summary>
    public long CutAfterBytes { get; set; }

    public int CutTimes
    {
        get => Volatile.Read(ref _cutsLeft);
        set => Volatile.Write(ref _cutsLeft, value);
    }

    /// <summary>Send the headers and this many body bytes, then nothing until the client gives up.</summary>
    public long? StallAfterBytes { get; set; }

    /// <summary>Send the body one byte at a time with this pause after each byte (a trickling server).</summary>
    public TimeSpan? TrickleInterval { get; set; }

    /// <summary>Pace each response body to this rate (null: as fast as the client reads), so a test can act mid-download.</summary>
    public long? BytesPerSecond { get; set; }

    /// <summary>Send the headers only after this delay.</summary>
    public TimeSpan HeaderDelay { get; set; }

    internal bool TakeFailure() => TakeOne(ref _failuresLeft);

    internal bool TakeCut() => TakeOne(ref _cutsLeft);

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            int left = Volatile.Read(ref counter);
            if (left <= 0)
            {
                return false;
            }

            if (left == int.MaxValue || Interlocked.CompareExchange(ref counter, left - 1, left) == left)
            {
                return true;
            }
        }
    }
}
