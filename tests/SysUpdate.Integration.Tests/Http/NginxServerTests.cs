using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>The nginx fixture itself: it serves what a vendor's nginx serves and counts what it sent.</summary>
public sealed class NginxServerTests : IDisposable
{
    private readonly TempDirectory _tmp = new("sysupdate-nginx-test-");
    private readonly byte[] _payload = RandomNumberGenerator.GetBytes(1024 * 1024);

    public NginxServerTests()
    {
        File.WriteAllBytes(Path.Combine(Www, "image.raw"), _payload);
        File.WriteAllBytes(Path.Combine(_tmp.Dir("www", "default.castr", "ab12"), "ab12.cacnk"), [1, 2, 3]);
    }

    private string Www => _tmp.Dir("www");

    public void Dispose() => _tmp.Dispose();

    [ExecutableFact(NginxServer.Executable)]
    public async Task Get_TwiceOnOneConnection_LogsBothWithTheirBytes()
    {
        await using var server = await NginxServer.StartAsync(Www);
        using var http = new HttpClient();

        Assert.Equal(_payload, await http.GetByteArrayAsync($"{server.BaseUrl}/image.raw"));
        Assert.Equal(_payload, await http.GetByteArrayAsync($"{server.BaseUrl}/image.raw"));

        var requests = await server.RequestsAsync();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(("/image.raw", 200, _payload.Length, true), (r.Path, r.Status, r.BodyBytesSent, r.Completed)));
        Assert.All(requests, r => Assert.True(r.BytesSent > r.BodyBytesSent, "bytes_sent includes the headers"));
        Assert.Equal(requests[0].Connection, requests[1].Connection);
        Assert.Equal([1L, 2L], requests.Select(r => r.ConnectionRequest));
        Assert.Equal(2L * _payload.Length, await server.BytesServedAsync(r => r.Path == "/image.raw"));
        Assert.Equal(0, await server.BytesServedAsync(r => r.Path.StartsWith("/default.castr/", StringComparison.Ordinal)));
    }

    [ExecutableFact(NginxServer.Executable)]
    public async Task Get_Range_Answers206WithTheSliceAndLogsItsSize()
    {
        await using var server = await NginxServer.StartAsync(Www);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{server.BaseUrl}/image.raw");
        request.Headers.Range = new RangeHeaderValue(1000, 5999);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(_payload[1000..6000], await response.Content.ReadAsByteArrayAsync());
        var logged = Assert.Single(await server.RequestsAsync());
        Assert.Equal((206, 5000L, "bytes=1000-5999"), (logged.Status, logged.BodyBytesSent, logged.Range));
    }

    [ExecutableFact(NginxServer.Executable)]
    public async Task Get_FailingPrefix_AnswersTheStatusWhileOtherFilesAreServed()
    {
        await using var server = await NginxServer.StartAsync(Www, new NginxOptions { FailingPrefixes = ["/default.castr/"] });
        using var http = new HttpClient();

        using var chunk = await http.GetAsync($"{server.BaseUrl}/default.castr/ab12/ab12.cacnk");
        using var image = await http.GetAsync($"{server.BaseUrl}/image.raw");

        Assert.Equal(HttpStatusCode.InternalServerError, chunk.StatusCode);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal([500, 200], (await server.RequestsAsync()).Select(r => r.Status));
    }

    [ExecutableFact(NginxServer.Executable)]
    public async Task Get_ClientGoesAwayMidResponse_LoggedIncompleteWithWhatWasSentAfterStop()
    {
        long size = 256L * 1024 * 1024; // more than loopback's socket buffers hold
        using (var big = File.Create(Path.Combine(Www, "big.raw")))
            big.SetLength(size);
        await using var server = await NginxServer.StartAsync(Www);
        using (var http = new HttpClient())
        {
            using var response = await http.GetAsync($"{server.BaseUrl}/big.raw", HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.ReadExactlyAsync(new byte[64 * 1024]);
        }

        await server.StopAsync();

        var logged = Assert.Single(await server.RequestsAsync());
        Assert.False(logged.Completed);
        Assert.InRange(logged.BodyBytesSent, 64 * 1024, size - 1);
    }

    [ExecutableFact(NginxServer.Executable)]
    public async Task Start_Twice_ServesOnDifferentPorts()
    {
        await using var first = await NginxServer.StartAsync(Www);
        await using var second = await NginxServer.StartAsync(Www);

        Assert.NotEqual(first.Port, second.Port);
        using var http = new HttpClient();
        Assert.Equal(_payload, await http.GetByteArrayAsync($"{second.BaseUrl}/image.raw"));
        Assert.Empty(await first.RequestsAsync());
    }
}
