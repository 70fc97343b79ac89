using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using SysUpdate.Varlink.Protocol;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Varlink.Tests.Server;

/// <summary>The server's shared budget for partial messages: reading pauses when it is spent, and resumes.</summary>
public sealed class VarlinkServerBufferBudgetTests
{
    private const int Budget = 96 * 1024;

    [Fact]
    public async Task PartialMessages_BeyondBudget_HeldBytesStayWithinItAndEveryCallIsAnsweredOnceComplete()
    {
        var server = new VarlinkServer(new VarlinkServerOptions
        {
            MaxMessageSize = 64 * 1024,
            MaxUnprivilegedMessageSize = 16 * 1024,
            MaxBufferedBytes = Budget,
        });
        using var stop = new CancellationTokenSource();
        var clients = new List<PipeTransport>();
        var serving = new List<Task>();
        for (int i = 0; i < 3; i++)
        {
            (PipeTransport client, PipeTransport served) = PipeTransport.CreatePair();
            clients.Add(client);
            serving.Add(server.ServeConnectionAsync(served, stop.Token));
        }

        long peak = 0;
        // Sampled by a background loop and by every check of the wait below, so the peak is seen
        // even when the loop is not scheduled in time on a busy machine.
        void Observe()
        {
            long now = server.BufferedBytes;
            long seen;
            while (now > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
            {
            }
        }
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                Observe();
                await Task.Yield();
            }
        });

        // Three 48 KiB halves of messages: with each connection's next read reserved too, they cannot all fit.
        byte[] head = Encoding.UTF8.GetBytes("""{"method":"org.varlink.service.GetInfo","parameters":{"pad":" """);
        foreach (PipeTransport client in clients)
        {
            await client.Output.WriteAsync(head);
            for (int sent = head.Length; sent < 48 * 1024; sent += 4096)
                await client.Output.WriteAsync(Enumerable.Repeat((byte)'a', 4096).ToArray());
        }

        await WaitForAsync(() =>
        {
            Observe();
            return server.BufferedBytes > Budget / 2;
        });
        foreach (PipeTransport client in clients)
            await client.Output.WriteAsync("\"}}\0"u8.ToArray());

        foreach (PipeTransport client in clients)
            Assert.Contains("org.varlink.service.InvalidParameter", await ReadReplyAsync(client.Input), StringComparison.Ordinal);

        await sampling.CancelAsync();
        await sampler;
        Assert.InRange(Interlocked.Read(ref peak), 1, Budget);
        foreach (PipeTransport client in clients)
            await client.DisposeAsync();
        await Task.WhenAll(serving).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, server.BufferedBytes);
    }

    private static async Task<string> ReadReplyAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            ReadResult result = await input.ReadAsync(timeout.Token);
            SequencePosition? nul = result.Buffer.PositionOf((byte)0);
            if (nul is { } end)
            {
                string reply = Encoding.UTF8.GetString(result.Buffer.Slice(0, end));
                input.AdvanceTo(result.Buffer.GetPosition(1, end));
                return reply;
            }

            Assert.False(result.IsCompleted, "server closed the connection without replying");
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
            await Task.Delay(10, timeout.Token);
    }
}
