using System.CommandLine;
using System.CommandLine.Parsing;
using SysUpdate.Cli.Output;
using SysUpdate.Core.Config;
using SysUpdate.Core.Planning;

namespace SysUpdate.Cli;

/// <summary>The options every verb accepts, spelled as systemd-sysupdate spells them.</summary>
internal sealed class CommonOptions
{
    public readonly Option<string?> Component = new("--component", "-C") { Description = "Select component to update", HelpName = "NAME", Recursive = true };
    public readonly Option<bool> ComponentAll = new("--component-all", "-A") { Description = "Select all components", Recursive = true };
    public readonly Option<bool> ComponentSuggested = new("--component-suggested", "-S") { Description = "Select all suggested components", Recursive = true };
    public readonly Option<bool> FeatureAll = new("--feature-all", "-a") { Description = "Select all features", Recursive = true };
    public readonly Option<bool> FeatureSuggested = new("--feature-suggested", "-s") { Description = "Select all suggested features", Recursive = true };
    public readonly Option<string?> Definitions = new("--definitions") { Description = "Find transfer definitions in specified directory", HelpName = "DIR", Recursive = true };
    public readonly Option<string?> Root = new("--root") { Description = "Operate on an alternate filesystem root", HelpName = "PATH", Recursive = true };
    public readonly Option<string?> Image = new("--image") { Description = "Operate on disk image as filesystem root (not supported: mount it and use --root=)", HelpName = "PATH", Recursive = true };
    public readonly Option<string?> ImagePolicy = new("--image-policy") { Description = "Specify disk image dissection policy", HelpName = "POLICY", Recursive = true };
    public readonly Option<string?> TransferSource = new("--transfer-source") { Description = "Specify the directory to transfer sources from", HelpName = "PATH", Recursive = true };
    public readonly Option<ulong?> InstancesMax = new("--instances-max", "-m") { Description = "How many instances to maintain", HelpName = "INT", Recursive = true };
    public readonly Option<string?> Sync = BooleanOption("--sync", "Controls whether to sync data to disk");
    public readonly Option<string?> Verify = BooleanOption("--verify", "Force signature verification on or off");
    public readonly Option<bool> Reboot = new("--reboot") { Description = "Reboot after updating to newer version", Recursive = true };
    public readonly Option<bool> Offline = new("--offline") { Description = "Do not fetch metadata from the network", Recursive = true };
    public readonly Option<string?> Cleanup = BooleanOption("--cleanup", "Clean up orphaned files after completing update");
    public readonly Option<string?> RateLimit = SizeOption("--rate-limit",
        "Limit downloads to BYTES per second in all (K, M, G suffixes; 0 unlimited); also SYSTEMD_SYSUPDATE_RATE_LIMIT= or [Source] RateLimit=. "
        + "sysupdate-update.service runs with idle CPU and I/O scheduling", "BYTES");
    public readonly Option<string?> Rollout = RolloutOption();
    public readonly Option<string?> Server = ServerOption();
    public readonly Option<bool> NoPager = new("--no-pager") { Description = "Do not pipe output into a pager", Recursive = true };
    public readonly Option<bool> NoLegend = new("--no-legend") { Description = "Do not show the headers and footers", Recursive = true };
    public readonly Option<JsonMode> Json = new("--json")
    {
        Description = "Generate JSON output (pretty, short, off)",
        HelpName = "FORMAT",
        Recursive = true,
        CustomParser = ParseJson,
        DefaultValueFactory = _ => JsonMode.Off,
    };

    public IEnumerable<Option> All =>
    [
        Component, ComponentAll, ComponentSuggested, FeatureAll, FeatureSuggested, Definitions, Root, Image, ImagePolicy,
        TransferSource, InstancesMax, Sync, Verify, Reboot, Offline, Cleanup, RateLimit, Rollout, Server, NoPager, NoLegend, Json,
    ];

    // A string option parsed by us: System.CommandLine's bool options only take true/false, and
    // systemd accepts yes/no/1/0/on/off too.
    private static Option<string?> BooleanOption(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "BOOL", Recursive = true, Arity = ArgumentArity.ExactlyOne };
        option.Validators.Add(result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!ConfigValues.TryParseBoolean(text, out _))
                result.AddError($"Failed to parse {name}= argument: {text}");
        });
        return option;
    }

    private static Option<string?> RolloutOption()
    {
        var option = new Option<string?>("--rollout")
        {
            Description = "Honour the manifest's staged rollout (ROLLOUT-<version>=<percent> entries) or ignore it "
                + "and offer every version (honour, ignore); also SYSTEMD_SYSUPDATE_ROLLOUT=",
            HelpName = "MODE",
            Recursive = true,
            Arity = ArgumentArity.ExactlyOne,
        };
        option.Validators.Add(result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!RolloutPolicyText.TryParse(text, out _))
                result.AddError($"Failed to parse --rollout= argument: {text} (expected honour or ignore)");
        });
        return option;
    }

    /// <summary>The value of <c>--rollout=</c>, or null when not given.</summary>
    public static RolloutPolicy? GetRollout(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text && RolloutPolicyText.TryParse(text, out var policy) ? policy : null;

    // A size as systemd writes it (16M), parsed by us.
    private static Option<string?> SizeOption(string name, string description, string helpName)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName, Recursive = true, Arity = ArgumentArity.ExactlyOne };
        option.Validators.Add(result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!ConfigValues.TryParseSize(text, out _))
                result.AddError($"Failed to parse {name}= argument: {text} (expected bytes per second with an optional K, M or G suffix, e.g. 16M, or 0 for unlimited)");
        });
        return option;
    }

    // The update server %R stands for: checked here so that a bad URL fails even when no transfer names %R.
    private static Option<string?> ServerOption()
    {
        var option = new Option<string?>("--server")
        {
            Description = "Update server that %R in Path= and Mirror= stands for; wins over SYSTEMD_SYSUPDATE_SERVER= and [Source] Server= in sysupdate.conf",
            HelpName = "URL",
            Recursive = true,
            Arity = ArgumentArity.ExactlyOne,
        };
        option.Validators.Add(result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (UpdateServer.Problem(text) is { } problem)
                result.AddError($"Failed to parse --server= argument: {text} ({problem}; pass the update server's base URL, e.g. --server=https://updates.example.com)");
        });
        return option;
    }

    /// <summary>The value of a size option, or null when not given.</summary>
    public static long? GetSize(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text && ConfigValues.TryParseSize(text, out long value) ? value : null;

    /// <summary>The value of a boolean option, or null when not given.</summary>
    public static bool? GetBoolean(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text && ConfigValues.TryParseBoolean(text, out bool value) ? value : null;

    private static JsonMode ParseJson(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        switch (text)
        {
            case "pretty":
                return JsonMode.Pretty;
            case "short":
                return JsonMode.Short;
            case "off":
                return JsonMode.Off;
            default:
                result.AddError($"Unknown argument to --json= switch: {text} (expected pretty, short or off)");
                return JsonMode.Off;
        }
    }
}
