using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// The detached OpenPGP signature of SHA256SUMS (made with real gpg), checked in-process against
/// <c>SYSTEMD_OPENPGP_KEYRING</c>: a good one is accepted (<c>.gpg</c>, else <c>.asc</c>); a foreign,
/// or missing one stops the run before any payload is fetched or any installed version removed;
/// <c>--verify=no</c> and <c>SYSTEMD_SYSUPDATE_NO_VERIFY=1</c> skip it.
/// Installed before each run: v0 (not on the server) and v1, with InstancesMax=2, so installing v2
/// must remove v0 — which a refused run must not do.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class SignatureTests(HttpImages images)
{
    private const string Target = "/var/lib/uki";

    [Fact]
    public async Task Update_SignedByKeyringKey_InstallsAndVacuums()
    {
        await using var bench = await SetUpAsync();
        bench.PublishSignedRelease();

        (await bench.RunAsync("update")).ShouldExit(0);

        AssertInstalledV2(bench);
        Assert.Equal(200, Assert.Single(bench.Requests("SHA256SUMS.gpg")).Status);
        Assert.Empty(bench.Requests("SHA256SUMS.asc"));
    }

    [Fact]
    public async Task Update_SignedNoGpgOnPath_VerifiesInProcessAndInstalls()
    {
        await using var bench = await SetUpAsync();
        bench.PublishSignedRelease();
        bench.SysUpdate.WithEnvironment("PATH", Directory.CreateDirectory(bench.Combine("empty-path")).FullName);

        (await bench.RunAsync("update")).ShouldExit(0);

        AssertInstalledV2(bench);
        Assert.Equal(200, Assert.Single(bench.Requests("SHA256SUMS.gpg")).Status);
    }

    [Fact]
    public async Task Update_TamperedManifestNoGpgOnPath_OneLineErrorNothingFetchedNothingRemoved()
    {
        await using var bench = await SetUpAsync();
        bench.PublishSignedRelease();
        bench.Serve("SHA256SUMS", [.. File.ReadAllBytes(images.Path("SHA256SUMS")), .. "0000000000000000000000000000000000000000000000000000000000000000  uki-v9.efi\n"u8]);
        bench.SysUpdate.WithEnvironment("PATH", Directory.CreateDirectory(bench.Combine("empty-path")).FullName);
        var before = TreeSnapshot.Take(bench.InRoot(Target));

        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.ManifestUrl, "BAD signature");
        Assert.Empty(bench.PayloadRequests());
        before.AssertSameAs(TreeSnapshot.Take(bench.InRoot(Target)), "a tampered manifest");
    }

    [Fact]
    public async Task Update_SignedByForeignKey_OneLineErrorNothingFetchedNothingRemoved()
    {
        await using var bench = await SetUpAsync();
        bench.PublishSignedRelease();
        bench.Serve("SHA256SUMS.gpg", await SignWithForeignKeyAsync(bench));
        var before = TreeSnapshot.Take(bench.InRoot(Target));

        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.ManifestUrl, "Signature verification failed");
        Assert.Empty(bench.PayloadRequests());
        before.AssertSameAs(TreeSnapshot.Take(bench.InRoot(Target)), "a manifest signed by a foreign key");
    }

    [Fact]
    public async Task Update_NoSignatureUnderVerifyYes_OneLineErrorNothingFetchedNothingRemoved()
    {
        await using var bench = await SetUpAsync(verifyLine: "Verify=yes");
        bench.PublishSignedRelease(withSignature: false);
        var before = TreeSnapshot.Take(bench.InRoot(Target));

        HttpBench.AssertOneLineError(await bench.RunAsync("update"), bench.ManifestUrl, "no detached signature");
        Assert.Equal(404, Assert.Single(bench.Requests("SHA256SUMS.gpg")).Status);
        Assert.Equal(404, Assert.Single(bench.Requests("SHA256SUMS.asc")).Status);
        Assert.Empty(bench.PayloadRequests());
        before.AssertSameAs(TreeSnapshot.Take(bench.InRoot(Target)), "a manifest without signature");
    }

    [Fact]
    public async Task Update_OnlyArmoredAscSignature_FallsBackAndInstalls()
    {
        await using var bench = await SetUpAsync();
        bench.PublishSignedRelease(withSignature: false);
        bench.Publish("SHA256SUMS.asc");

        (await bench.RunAsync("update")).ShouldExit(0);

        AssertInstalledV2(bench);
        Assert.Equal(404, Assert.Single(bench.Requests("SHA256SUMS.gpg")).Status);
        Assert.Equal(200, Assert.Single(bench.Requests("SHA256SUMS.asc")).Status);
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", File.ReadAllText(images.Path("SHA256SUMS.asc")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--verify=no", null)]
    [InlineData(null, "SYSTEMD_SYSUPDATE_NO_VERIFY")]
    public async Task Update_VerificationTurnedOff_InstallsDespiteForeignSignatureWithoutFetchingIt(string? argument, string? variable)
    {
        await using var bench = await SetUpAsync();
        bench.PublishSignedRelease();
        bench.Serve("SHA256SUMS.gpg", await SignWithForeignKeyAsync(bench));
        if (variable is not null)
            bench.SysUpdate.WithEnvironment(variable, "1");

        (await bench.RunAsync(argument is null ? ["update"] : [argument, "update"])).ShouldExit(0);

        AssertInstalledV2(bench);
        Assert.Empty(bench.Requests("SHA256SUMS.gpg"));
        Assert.Empty(bench.Requests("SHA256SUMS.asc"));
    }

    private async Task<HttpBench> SetUpAsync(string verifyLine = "")
    {
        var bench = await HttpBench.StartAsync(images);
        bench.WriteTransfer("10-uki.transfer", $"""
            [Transfer]
            {verifyLine}

            [Source]
            Type=url-file
            Path={bench.SourceUrl}
            MatchPattern=uki-@v.efi

            [Target]
            Type=regular-file
            Path={Target}
            MatchPattern=uki_@v.efi
            InstancesMax=2
            """);
        string target = Directory.CreateDirectory(bench.InRoot(Target)).FullName;
        Payloads.WriteFile(Path.Combine(target, "uki_v0.efi"), "UKI v0\n");
        File.Copy(images.Path("uki-v1.efi"), Path.Combine(target, "uki_v1.efi"));
        return bench;
    }

    private void AssertInstalledV2(HttpBench bench)
    {
        string target = bench.InRoot(Target);
        Assert.Equal(["uki_v1.efi", "uki_v2.efi"], Payloads.Names(target));
        Payloads.AssertSameFile(images.Path("uki-v2.efi"), Path.Combine(target, "uki_v2.efi"));
    }

    /// <summary>Makes a second, unrelated key and signs the release's SHA256SUMS with it.</summary>
    private async Task<byte[]> SignWithForeignKeyAsync(HttpBench bench)
    {
        string home = Directory.CreateDirectory(bench.Combine("gnupg-foreign")).FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string signature = bench.Combine("SHA256SUMS.foreign.gpg");
        try
        {
            await ExternalTool.RunAsync("gpg", ["--homedir", home, "--batch", "--quiet", "--passphrase", "",
                "--quick-gen-key", "Somebody else <other@sysupdate.invalid>", "ed25519", "sign", "never"]);
            await ExternalTool.RunAsync("gpg", ["--homedir", home, "--batch", "--quiet", "--yes", "--detach-sign",
                "--output", signature, images.Path("SHA256SUMS")]);
        }
        finally
        {
            await ExternalTool.KillGpgAgentAsync(home);
        }
        return File.ReadAllBytes(signature);
    }
}
