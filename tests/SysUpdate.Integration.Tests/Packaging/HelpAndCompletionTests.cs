using System.Text.RegularExpressions;
using SysUpdate.Integration.Tests.Http;
using SysUpdate.Integration.Tests.Sandbox;
using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Packaging;

/// <summary>
/// <c>--help</c> in systemd's layout (usage, Commands:, Options:, man page pointer), and the shell
/// completions and man pages covering every verb and option the help lists: the help is built
/// from the registered commands, so a verb added without completing it here fails.
/// </summary>
public sealed class HelpAndCompletionTests : IDisposable
{
    private readonly TempDirectory _tmp = new("sysupdate-completion-");

    public void Dispose() => _tmp.Dispose();

    public static TheoryData<string, string, string, string> Tools => new()
    {
        { "sysupdate", "sysupdate.bash", "_sysupdate", "sysupdate.8" },
        { "updatectl", "updatectl.bash", "_updatectl", "updatectl.1" },
    };

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Help_ListsCommandsThenOptions_AndCompletionsAndManPageCoverEveryOne(string tool, string bash, string zsh, string man)
    {
        var help = (await new SysUpdateProcess(Binary(tool)).RunAsync("--help")).ShouldExit(0);
        var parsed = HelpText.Parse(help.StandardOutput);

        Assert.Equal($"{tool} [OPTION…] COMMAND …", parsed.Usage);
        Assert.True(help.StandardOutput.IndexOf("\nCommands:\n", StringComparison.Ordinal) < help.StandardOutput.IndexOf("\nOptions:\n", StringComparison.Ordinal));
        Assert.Equal($"See the {Path.GetFileNameWithoutExtension(man)}({Path.GetExtension(man)[1..]}) man page for details.", parsed.Footer);
        Assert.Contains("list", parsed.Verbs);
        Assert.Equal(["--help", "--version"], parsed.LongOptions.Take(2));

        string bashText = File.ReadAllText(RepoLayout.Path("packaging/completions/" + bash));
        string zshText = File.ReadAllText(RepoLayout.Path("packaging/completions/" + zsh));
        string manText = File.ReadAllText(RepoLayout.Path("packaging/man/" + man)).Replace("\\-", "-", StringComparison.Ordinal);
        var bashVerbs = BashWords(bashText, "verbs");
        var bashOptions = BashWords(bashText, "flags").Concat(BashWords(bashText, "valued")).ToList();
        Assert.All(parsed.Verbs, verb =>
        {
            Assert.Contains(verb, bashVerbs);
            Assert.Contains($"'{verb}:", zshText, StringComparison.Ordinal);
            Assert.Matches(new Regex($@"^\.B[IR]? {Regex.Escape(verb)}(\s|$)", RegexOptions.Multiline), manText);
        });
        Assert.All(parsed.LongOptions, option =>
        {
            Assert.Contains(option, bashOptions);
            Assert.Matches($@"'(\([^)]*\)'?)?(\{{[^}}]*)?{Regex.Escape(option)}[=\[,}}]", zshText);
            Assert.Contains(option, manText, StringComparison.Ordinal);
        });
    }

    /// <summary>The words of a <c>local NAME='…'</c> list in a bash completion.</summary>
    private static List<string> BashWords(string script, string name) =>
        Regex.Match(script, $@"local {name}='([^']*)'").Groups[1].Value.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    [Fact]
    public async Task SubcommandHelp_ShowsItsArgumentsAndTheSharedOptions()
    {
        var help = (await new SysUpdateProcess().RunAsync("update", "--help")).ShouldExit(0);

        Assert.StartsWith("sysupdate update [OPTION…] [VERSION]\n", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\n     --definitions=DIR ", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\n  -C --component=NAME ", help.StandardOutput, StringComparison.Ordinal);
    }

    [PackagingFact("/usr/share/bash-completion/bash_completion", "/bin/bash")]
    public async Task BashCompletion_CompletesVerbsOptionValuesAndFeatureNames()
    {
        string definitions = _tmp.Dir("definitions");
        File.WriteAllText(Path.Combine(definitions, "10-a.transfer"), $"""
            [Transfer]
            Features=devel

            [Source]
            Type=regular-file
            Path={_tmp.Dir("source")}
            MatchPattern=a-@v

            [Target]
            Type=regular-file
            Path={_tmp.Dir("target")}
            MatchPattern=a-@v
            """);
        File.WriteAllText(Path.Combine(definitions, "devel.feature"), "[Feature]\nDescription=Development tools\n");
        File.WriteAllText(Path.Combine(definitions, "docs.feature"), "[Feature]\nDescription=Documentation\n");
        string sysupdate = PublishedBinaries.SysUpdate!;

        Assert.Equal(["enable-feature", "enable-component"], await CompleteAsync("sysupdate.bash", sysupdate, "en"));
        Assert.Equal(["pretty", "short", "off"], await CompleteAsync("sysupdate.bash", sysupdate, "--json", ""));
        Assert.Equal(["devel", "docs"], await CompleteAsync("sysupdate.bash", sysupdate, $"--definitions={definitions}", "enable-feature", ""));
        Assert.Equal(["update"], await CompleteAsync("updatectl.bash", PublishedBinaries.UpdateCtl!, "up"));
    }

    [ExecutableFact("/usr/bin/zsh")]
    public async Task ZshCompletions_Parse()
    {
        foreach (string file in (string[])["_sysupdate", "_updatectl"])
            (await new SysUpdateProcess("/usr/bin/zsh").RunAsync("-n", RepoLayout.Path("packaging/completions/" + file))).ShouldExit(0);
    }

    [ExecutableFact("/usr/bin/man")]
    public async Task ManPages_FormatWithoutWarnings()
    {
        foreach (string page in (string[])["sysupdate.8", "updatectl.1"])
        {
            var result = (await new SysUpdateProcess("/usr/bin/man").WithEnvironment("MANWIDTH", "80").WithEnvironment("LC_ALL", "C.UTF-8")
                .RunAsync("--warnings", "-l", RepoLayout.Path("packaging/man/" + page))).ShouldExit(0);
            Assert.Empty(result.StandardError);
            Assert.Contains("SYNOPSIS", result.StandardOutput, StringComparison.Ordinal);
        }
    }

    // The published binary, else the build output (an apphost that runs where it was built).
    private static string Binary(string tool) =>
        tool == "sysupdate"
            ? PublishedBinaries.SysUpdate ?? new SysUpdateProcess().Binary
            : PublishedBinaries.UpdateCtl
              ?? (File.Exists(BuildOutput.Executable("src/UpdateCtl", "updatectl", perRuntime: true))
                  ? BuildOutput.Executable("src/UpdateCtl", "updatectl", perRuntime: true)
                  : throw new FileNotFoundException($"updatectl is not built: run `dotnet build src/UpdateCtl -c {BuildOutput.Configuration}` or set UPDATECTL_BIN"));

    /// <summary>Runs the bash completion function for a command line whose last word is being completed.</summary>
    private static async Task<IReadOnlyList<string>> CompleteAsync(string completion, string binary, params string[] words)
    {
        string function = "_" + Path.GetFileNameWithoutExtension(completion);
        const string Script = """
            source /usr/share/bash-completion/bash_completion
            source "$1"; function=$2; shift 2
            COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
            "$function"
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        var result = (await new SysUpdateProcess("/bin/bash").RunAsync(["-c", Script, "complete", RepoLayout.Path("packaging/completions/" + completion), function, binary, .. words])).ShouldExit(0);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
