using System.Diagnostics;

namespace SysUpdate.Core.Tests.Manifests;

/// <summary>
/// Asks real gpg what systemd-pull 262.1 would conclude: a fresh homedir, <c>--trust-model=always</c>, private copies
/// of the keyrings, subkeys merged from the signature's key block (<c>--auto-key-import</c> merge-only), the
/// manifest on stdin. True when gpg exits 0.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class GpgOracle
{
    public static bool Verifies(string workDirectory, byte[] manifest, byte[] signature, params string[] keyrings)
    {
        string home = Path.Join(workDirectory, "oracle-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            string signatureFile = Path.Join(home, "manifest.sig");
            File.WriteAllBytes(signatureFile, signature);
            var startInfo = new ProcessStartInfo("gpg")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in (string[])[
                "--no-options", "--no-default-keyring", "--no-auto-key-locate", "--no-auto-check-trustdb", "--batch",
                "--trust-model=always", "--auto-key-import", "--import-options=merge-only", $"--homedir={home}"])
            {
                startInfo.ArgumentList.Add(argument);
            }
            for (int i = 0; i < keyrings.Length; i++)
            {
                string copy = Path.Join(home, $"keyring-{i}.gpg");
                File.Copy(keyrings[i], copy);
                startInfo.ArgumentList.Add($"--keyring={copy}");
            }
            startInfo.ArgumentList.Add("--verify");
            startInfo.ArgumentList.Add(signatureFile);
            startInfo.ArgumentList.Add("-");
            startInfo.Environment["LC_ALL"] = "C";

            using Process process = Process.Start(startInfo)!;
            Task<string> errors = process.StandardError.ReadToEndAsync();
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            try
            {
                process.StandardInput.BaseStream.Write(manifest);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // gpg stopped reading; its exit status says why.
            }
            process.WaitForExit();
            errors.GetAwaiter().GetResult();
            output.GetAwaiter().GetResult();
            return process.ExitCode == 0;
        }
        finally
        {
            using Process? kill = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", home, "--kill", "all"]) { UseShellExecute = false });
            kill?.WaitForExit();
            Directory.Delete(home, recursive: true);
        }
    }
}
