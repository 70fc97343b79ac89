namespace SysUpdate.Core.Tests.Manifests;

/// <summary>
/// A gpg stand-in script that records its pid and the <c>--homedir</c> the verifier gave it, then runs
/// <c>then</c> (e.g. the real gpg): a test observes its own verifier's temporary home instead of counting
/// <c>sysupdate-gpg-*</c> in the shared temp directory, where parallel runs come and go.
/// </summary>
internal sealed class RecordingGpg
{
    private readonly string _record;

    private RecordingGpg(string script, string record)
    {
        Script = script;
        _record = record;
    }

    public string Script { get; }

    public static RecordingGpg Create(string directory, string then)
    {
        string unique = Guid.NewGuid().ToString("N");
        string script = Path.Join(directory, "recording-gpg-" + unique);
        string record = Path.Join(directory, "recording-gpg-" + unique + ".started");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            for argument in "$@"; do
              case "$argument" in --homedir=*) home=${argument#--homedir=} ;; esac
            done
            echo "$$ $home" > '{{record}}.tmp' && mv '{{record}}.tmp' '{{record}}'
            {{then}}

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return new RecordingGpg(script, record);
    }

    /// <summary>Waits for the script to have started (its record written atomically), and returns its pid and gpg home.</summary>
    public async Task<(int Pid, string Home)> WaitUntilStartedAsync(TimeSpan hungTest)
    {
        using var timeout = new CancellationTokenSource(hungTest);
        while (!File.Exists(_record))
            await Task.Delay(10, timeout.Token);
        string[] fields = (await File.ReadAllTextAsync(_record, timeout.Token)).TrimEnd('\n').Split(' ', 2);
        return (int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), fields[1]);
    }
}
