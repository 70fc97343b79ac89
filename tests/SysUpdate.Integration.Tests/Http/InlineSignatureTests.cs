using System.Text;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// <c>SignatureScheme=openpgp-inline</c> end to end: SHA256SUMS is itself <c>gpg --clearsign</c>ed (manifest and
/// signature change in one file), no detached signature is fetched, and a changed signed text is refused with one
/// line before anything is fetched or removed. RUN AGAIN AFTER MERGING h-pgp (its in-process verifier and
/// ClearSignedManifest replace the temporary ones of h-ssh): filter FullyQualifiedName~InlineSignatureTests.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class InlineSignatureTests(HttpImages images)
{
    private const string Target = "/var/lib/uki";

    [Fact]
    public async Task Update_ClearSignedManifest_InstallsWithoutDetachedSignature()
    {
        await using var bench = await SetUpAsync();
        bench.Serve("SHA256SUMS", await ClearSignAsync(images.Bytes("SHA256SUMS")));

        (await bench.RunAsync("update")).ShouldExit(0);

        Assert.Equal(["uki_v0.efi", "uki_v2.efi"], Payloads.Names(bench.InRoot(Target)));
        Payloads.AssertSameFile(images.Path("uki-v2.efi"), Path.Combine(bench.InRoot(Target), "uki_v2.efi"));
        Assert.Empty(bench.Requests("SHA256SUMS.gpg"));
        Assert.Empty(bench.Requests("SHA256SUMS.asc"));
    }

    [Fact]
    public async Task Update_ClearSignedTextChanged_OneLineErrorNothingFetchedNothingInstalled()
    {
        await using var bench = await SetUpAsync();
        string signed = Encoding.UTF8.GetString(await ClearSignAsync(images.Bytes("SHA256SUMS")));
        string v2 = images.Sha256("uki-v2.efi");
        bench.Serve("SHA256SUMS", Encoding.UTF8.GetBytes(signed.Replace(v2, new string('0', v2.Length), StringComparison.Ordinal)));
        var before = TreeSnapshot.Take(bench.InRoot(Target));

        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.ManifestUrl);

        Assert.Empty(bench.PayloadRequests());
        before.AssertSameAs(TreeSnapshot.Take(bench.InRoot(Target)), "a clear-signed manifest whose text was changed");
    }

    private async Task<HttpBench> SetUpAsync()
    {
        var bench = await HttpBench.StartAsync(images);
        bench.PublishSignedRelease(withSignature: false);
        bench.WriteTransfer("10-uki.transfer", $"""
            [Transfer]
            SignatureScheme=openpgp-inline

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path={Target}
            MatchPattern=uki_@v.efi
            """);
        Payloads.WriteFile(Path.Combine(Directory.CreateDirectory(bench.InRoot(Target)).FullName, "uki_v0.efi"), "UKI v0\n");
        return bench;
    }

    private async Task<byte[]> ClearSignAsync(byte[] manifest)
    {
        string input = Path.Combine(Path.GetTempPath(), $"sysupdate-clearsign-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(input, manifest);
        string home = images.Path(".gnupg");
        try
        {
            await ExternalTool.RunAsync("gpg", ["--homedir", home, "--batch", "--quiet", "--yes", "--clearsign", "--output", input + ".asc", input]);
            return await File.ReadAllBytesAsync(input + ".asc");
        }
        finally
        {
            await ExternalTool.KillGpgAgentAsync(home);
            File.Delete(input);
            File.Delete(input + ".asc");
        }
    }
}
