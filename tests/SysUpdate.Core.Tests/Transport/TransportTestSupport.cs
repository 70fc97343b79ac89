using SysUpdate.Core.Transport;

namespace SysUpdate.Core.Tests.Transport;

internal static class TransportTestSupport
{
    /// <summary>
    /// Short retry delays so failure paths finish in well under a second. The read timeout stays
    /// generous (a first request can wait for JIT on a loaded machine); stall tests use <see cref="StallOptions"/>.
    /// </summary>
    public static TransportOptions FastOptions { get; } = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ReadTimeout = TimeSpan.FromSeconds(5),
        RetryCount = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(50),
        MaxRedirects = 5,
    };

    /// <summary>Only fails a test that hangs; how fast a timeout fires is measured in the benchmarks, not asserted here.</summary>
    public static TimeSpan HungTest { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Headers that never come within the test (the server stops waiting when the client gives up).</summary>
    public static TimeSpan NoHeadersWithinTheTest { get; } = TimeSpan.FromMinutes(10);

    /// <summary>A short read timeout, for tests that wait for it to expire.</summary>
    public static TransportOptions StallOptions { get; } = FastOptions with { ReadTimeout = TimeSpan.FromMilliseconds(400) };

    public static byte[] RandomBytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Reads until the end or an error; returns what arrived and the error, if any.</summary>
    public static async Task<(byte[] Data, TransportException? Error)> DrainAsync(Stream stream)
    {
        using var received = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (TransportException ex)
        {
            return (received.ToArray(), ex);
        }

        return (received.ToArray(), null);
    }
}
