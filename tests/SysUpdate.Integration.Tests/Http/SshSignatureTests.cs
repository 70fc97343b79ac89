using System.Text;
using SysUpdate.Core.Tests.Manifests.Trust;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Http;

/// <summary>
/// <c>SignatureScheme=ssh</c> end to end: the published binary, a real HTTP server on 127.0.0.1, keys and
/// signatures made by <c>ssh-keygen</c>, trusted keys in <c>/etc/systemd/import-allowed-signers</c> and
/// <c>/usr/lib/systemd/import-allowed-signers</c> below <c>--root</c>. Keys rotated across three releases; a
/// tampered manifest, a foreign key, a foreign namespace and too few signers for the threshold are each refused
/// with one line naming the manifest, before any payload is fetched or anything installed changes.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class SshSignatureTests(HttpImages images)
{
    private const string Target = "/var/lib/uki";

    [ExecutableFact(SshKeygen.Program)]
    public async Task Update_KeysRotatedAcrossReleases_EachMachineTakesWhatItsKeysSigned()
    {
        await using var bench = await HttpBench.StartAsync(images);
        var ssh = new SshKeygen(bench.Combine());
        string old = ssh.CreateKey("old"), next = ssh.CreateKey("new");
        string both = NewMachine(bench, "both", etcKeys: [old], vendorKeys: [next]);
        string newOnly = NewMachine(bench, "new-only", etcKeys: [next]);
        string oldOnly = NewMachine(bench, "old-only", vendorKeys: [old]);

        // Release 1: v1, signed by the old key only.
        PublishRelease(bench, ssh, 1, old);
        (await Update(bench, both)).ShouldExit(0);
        (await Update(bench, oldOnly)).ShouldExit(0);
        HttpBench.AssertOneLineError(await Update(bench, newOnly), bench.ManifestUrl, "no trusted key", "1 required");
        Assert.Equal(["uki_v0.efi", "uki_v1.efi"], Installed(both));
        Assert.Equal(["uki_v0.efi", "uki_v1.efi"], Installed(oldOnly));
        Assert.Equal(["uki_v0.efi"], Installed(newOnly));

        // Release 2: v2, signed by both keys (two signatures in one file): every machine takes it.
        PublishRelease(bench, ssh, 2, old, next);
        foreach (string machine in (string[])[both, newOnly, oldOnly])
            (await Update(bench, machine)).ShouldExit(0);
        Assert.Equal(["uki_v1.efi", "uki_v2.efi"], Installed(both));
        Assert.Equal(["uki_v0.efi", "uki_v2.efi"], Installed(newOnly));

        // Release 3: v3, signed by the new key only: the machine that still trusts only the old key stays on v2.
        PublishRelease(bench, ssh, 3, next);
        (await Update(bench, both)).ShouldExit(0);
        (await Update(bench, newOnly)).ShouldExit(0);
        var before = TreeSnapshot.Take(InRoot(oldOnly, Target));
        HttpBench.AssertOneLineError(await Update(bench, oldOnly), bench.ManifestUrl, "no trusted key");
        before.AssertSameAs(TreeSnapshot.Take(InRoot(oldOnly, Target)), "a release signed only by a key this machine does not trust");
        Assert.Equal(["uki_v2.efi", "uki_v3.efi"], Installed(both));
        Assert.Equal(["uki_v2.efi", "uki_v3.efi"], Installed(newOnly));
        Assert.Equal(["uki_v1.efi", "uki_v2.efi"], Installed(oldOnly));
    }

    [ExecutableFact(SshKeygen.Program)]
    public async Task Update_TamperedManifest_OneLineErrorNothingFetchedNothingInstalled()
    {
        await using var bench = await HttpBench.StartAsync(images);
        var ssh = new SshKeygen(bench.Combine());
        string key = ssh.CreateKey("vendor");
        string machine = NewMachine(bench, "m", etcKeys: [key]);
        PublishRelease(bench, ssh, 2, key);
        string manifest = Encoding.UTF8.GetString(Manifest(2));
        bench.ServeManifest(manifest.Replace(HttpBench.Sha256(Payload(2)), HttpBench.Sha256(Payload(9)), StringComparison.Ordinal));

        await AssertRefusedAsync(bench, machine, "BAD signature", ssh.Fingerprint(key));
    }

    [ExecutableFact(SshKeygen.Program)]
    public async Task Update_SignedByForeignKey_OneLineErrorNothingFetchedNothingInstalled()
    {
        await using var bench = await HttpBench.StartAsync(images);
        var ssh = new SshKeygen(bench.Combine());
        string trusted = ssh.CreateKey("vendor"), foreign = ssh.CreateKey("foreign");
        string machine = NewMachine(bench, "m", etcKeys: [trusted]);
        PublishRelease(bench, ssh, 2, foreign);

        await AssertRefusedAsync(bench, machine, "Signature verification failed", "no trusted key");
    }

    [ExecutableFact(SshKeygen.Program)]
    public async Task Update_SignedForOtherNamespace_OneLineErrorNothingFetchedNothingInstalled()
    {
        await using var bench = await HttpBench.StartAsync(images);
        var ssh = new SshKeygen(bench.Combine());
        string key = ssh.CreateKey("vendor");
        string machine = NewMachine(bench, "m", etcKeys: [key]);
        PublishRelease(bench, ssh, 2, key);
        bench.Serve("SHA256SUMS.sshsig", ssh.Sign(key, Manifest(2), @namespace: "file"));

        await AssertRefusedAsync(bench, machine, "namespace 'file'", "sysupdate");
    }

    [ExecutableFact(SshKeygen.Program)]
    public async Task Update_ThresholdTwoOneTrustedOneUnknown_OneLineErrorNothingFetchedNothingInstalled()
    {
        await using var bench = await HttpBench.StartAsync(images);
        var ssh = new SshKeygen(bench.Combine());
        string trusted = ssh.CreateKey("vendor"), unknown = ssh.CreateKey("unknown");
        string machine = NewMachine(bench, "m", etcKeys: [trusted], transferLines: "SignatureScheme=ssh\nSignatureThreshold=2");
        PublishRelease(bench, ssh, 2, trusted, unknown);

        string line = await AssertRefusedAsync(bench, machine, "1 distinct trusted key", "2 required");
        Assert.Contains(ssh.Fingerprint(trusted), line, StringComparison.Ordinal);
    }

    [ExecutableFact(SshKeygen.Program)]
    public async Task Update_ThresholdFromSysupdateConf_TwoTrustedKeysInstallOneRefused()
    {
        await using var bench = await HttpBench.StartAsync(images);
        var ssh = new SshKeygen(bench.Combine());
        string a = ssh.CreateKey("custodian-a"), b = ssh.CreateKey("custodian-b");
        string machine = NewMachine(bench, "m", etcKeys: [a], vendorKeys: [b], transferLines: "");
        WriteFile(InRoot(machine, "/etc/systemd/sysupdate.conf"), "[Transfer]\nSignatureScheme=ssh\nSignatureThreshold=2\n");

        PublishRelease(bench, ssh, 1, a);
        HttpBench.AssertOneLineError(await Update(bench, machine), bench.ManifestUrl, "1 distinct trusted key", "2 required");
        Assert.Equal(["uki_v0.efi"], Installed(machine));

        PublishRelease(bench, ssh, 2, a, b);
        (await Update(bench, machine)).ShouldExit(0);
        Assert.Equal(["uki_v0.efi", "uki_v2.efi"], Installed(machine));
    }

    [ExecutableFact(SshKeygen.Program)]
    public async Task Update_OpenPgpAndSshThresholdTwo_NeedsBoth()
    {
        await using var bench = await HttpBench.StartAsync(images);
        var ssh = new SshKeygen(bench.Combine());
        string key = ssh.CreateKey("vendor");
        string machine = NewMachine(bench, "m", etcKeys: [key], transferLines: "SignatureScheme=openpgp ssh\nSignatureThreshold=2");
        bench.PublishSignedRelease();

        HttpBench.AssertOneLineError(await Update(bench, machine), bench.ManifestUrl, "1 distinct trusted key", "2 required");

        bench.Serve("SHA256SUMS.sshsig", ssh.Sign(key, images.Bytes("SHA256SUMS")));
        (await Update(bench, machine)).ShouldExit(0);
        Assert.Contains("uki_v2.efi", Installed(machine));
    }

    /// <summary>Serves uki-v1…v<paramref name="version"/>, their SHA256SUMS and one SHA256SUMS.sshsig holding a signature by each key.</summary>
    private static void PublishRelease(HttpBench bench, SshKeygen ssh, int version, params string[] keys)
    {
        for (int v = 1; v <= version; v++)
            bench.Serve($"uki-v{v}.efi", Payload(v));
        byte[] manifest = Manifest(version);
        bench.Serve("SHA256SUMS", manifest);
        bench.Serve("SHA256SUMS.sshsig", [.. keys.SelectMany(k => ssh.Sign(k, manifest))]);
    }

    private static byte[] Manifest(int version)
    {
        var text = new StringBuilder();
        for (int v = 1; v <= version; v++)
            text.Append($"{HttpBench.Sha256(Payload(v))} *uki-v{v}.efi\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Payload(int version) => Encoding.UTF8.GetBytes($"UKI v{version}\n" + new string('x', 4096));

    /// <summary>A root with the transfer, uki_v0.efi installed, and the keys' allowed_signers lines in /etc and /usr/lib.</summary>
    private static string NewMachine(HttpBench bench, string name, string[]? etcKeys = null, string[]? vendorKeys = null,
        string transferLines = "SignatureScheme=ssh")
    {
        string root = Directory.CreateDirectory(bench.Combine("machines", name)).FullName;
        WriteFile(InRoot(root, "/etc/sysupdate.d/10-uki.transfer"), $"""
            [Transfer]
            {transferLines}

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
        if (etcKeys is not null)
            WriteFile(InRoot(root, "/etc/systemd/import-allowed-signers"), string.Join('\n', etcKeys.Select(k => SshKeygen.AllowedSignersLine(k))) + "\n");
        if (vendorKeys is not null)
            WriteFile(InRoot(root, "/usr/lib/systemd/import-allowed-signers"), "# vendor keys\n" + string.Join('\n', vendorKeys.Select(k => SshKeygen.AllowedSignersLine(k, "namespaces=\"sysupdate\""))) + "\n");
        Payloads.WriteFile(InRoot(root, Target + "/uki_v0.efi"), "UKI v0\n");
        return root;
    }

    private static Task<ProcessResult> Update(HttpBench bench, string root) => bench.SysUpdate.RunAsync("--root=" + root, "update");

    private static async Task<string> AssertRefusedAsync(HttpBench bench, string machine, params string[] fragments)
    {
        var before = TreeSnapshot.Take(InRoot(machine, Target));
        string line = HttpBench.AssertOneLineError(await Update(bench, machine), [bench.ManifestUrl, .. fragments]);
        Assert.DoesNotContain(bench.Server.AllRequests(), r => Path.GetFileName(r.Path).StartsWith("uki-", StringComparison.Ordinal));
        before.AssertSameAs(TreeSnapshot.Take(InRoot(machine, Target)), "a refused manifest");
        Assert.Equal(["uki_v0.efi"], Installed(machine));
        return line;
    }

    private static List<string> Installed(string root) => Payloads.Names(InRoot(root, Target));

    private static string InRoot(string root, string absolute) => Path.Combine(root, absolute.TrimStart('/'));

    private static void WriteFile(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
