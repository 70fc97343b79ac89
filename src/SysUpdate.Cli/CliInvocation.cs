using System.CommandLine;
using Microsoft.Extensions.Logging;
using SysUpdate.Cli.Output;
using SysUpdate.Core;
using SysUpdate.Core.Config;
using SysUpdate.Core.Faults;

namespace SysUpdate.Cli;

/// <summary>
/// One parsed command line: the engine's <see cref="SysUpdateOptions"/>, the output settings and the
/// selection modes, validated against each other as systemd-sysupdate validates them.
/// </summary>
internal sealed class CliInvocation
{
    public CliInvocation(ParseResult parse, CommonOptions o, TextWriter output, TextWriter error, IFaultInjector? faults = null)
    {
        Output = output;
        Error = error;
        Json = parse.GetValue(o.Json);
        Legend = !parse.GetValue(o.NoLegend);
        ComponentSelect = parse.GetValue(o.ComponentAll) ? SelectMode.All : parse.GetValue(o.ComponentSuggested) ? SelectMode.Suggested : SelectMode.Explicit;
        FeatureSelect = parse.GetValue(o.FeatureAll) ? SelectMode.All : parse.GetValue(o.FeatureSuggested) ? SelectMode.Suggested : SelectMode.Explicit;

        string? component = parse.GetValue(o.Component);
        if (component is { Length: 0 } || ComponentSelect != SelectMode.Explicit)
            component = null;
        if (component is not null && !DefinitionLoader.IsValidComponentName(component))
            throw Fail($"Component name invalid: {component}");

        string? root = parse.GetValue(o.Root);
        string? definitions = parse.GetValue(o.Definitions);
        bool reboot = parse.GetValue(o.Reboot);
        if (parse.GetValue(o.Image) is not null)
        {
            if (root is not null)
                throw Fail("Please specify either --root= or --image=, the combination of both is not supported.");
            throw Fail("--image= is not supported by this implementation; mount the image's file systems and pass --root= instead.");
        }
        if (root is not null)
        {
            if (reboot)
                throw Fail("The --reboot switch may not be combined with --root= or --image=.");
            if (definitions is not null)
                throw Fail("The --definitions= switch may not be combined with --root= or --image=.");
        }
        if (component is not null || ComponentSelect != SelectMode.Explicit)
        {
            if (reboot)
                throw Fail("The --reboot switch may not be combined with --component=/--component-all/--component-suggested, as automatic reboots only apply to the booted OS version.");
            if (definitions is not null)
                throw Fail("The --definitions= and --component=/--component-all/--component-suggested switches may not be combined.");
        }

        var level = StderrLogger.LevelFromEnvironment(Environment.GetEnvironmentVariable("SYSTEMD_LOG_LEVEL"));
        Logger = new StderrLogger(error, level);

        Options = new SysUpdateOptions
        {
            Root = root is null ? "/" : Path.GetFullPath(root),
            RootIsExplicit = root is not null,
            DefinitionsDirectory = definitions is null ? null : Path.GetFullPath(definitions),
            Component = component,
            TransferSource = parse.GetValue(o.TransferSource) is { } ts ? Path.GetFullPath(ts) : null,
            InstancesMax = parse.GetValue(o.InstancesMax),
            Sync = CommonOptions.GetBoolean(parse, o.Sync) ?? true,
            Verify = CommonOptions.GetBoolean(parse, o.Verify),
            Offline = parse.GetValue(o.Offline),
            RateLimit = CommonOptions.GetSize(parse, o.RateLimit),
            Server = parse.GetValue(o.Server),
            Cleanup = CommonOptions.GetBoolean(parse, o.Cleanup),
            Rollout = CommonOptions.GetRollout(parse, o.Rollout),
            Reboot = reboot,
            Faults = faults,
        };
    }

    public SysUpdateOptions Options { get; private set; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public ILogger Logger { get; }

    public JsonMode Json { get; }

    public bool Legend { get; }

    public SelectMode ComponentSelect { get; }

    public SelectMode FeatureSelect { get; }

    public CliInvocation WithComponent(string? component)
    {
        var copy = (CliInvocation)MemberwiseClone();
        copy.Options = Options with { Component = component };
        return copy;
    }

    public void RequireNoFeatureSelection(string verb)
    {
        if (FeatureSelect != SelectMode.Explicit)
            throw Fail($"--feature-all/--feature-suggested is not supported for '{verb}'.");
    }

    public void RequireNoComponentSelection(string verb)
    {
        if (ComponentSelect != SelectMode.Explicit)
            throw Fail($"--component-all/--component-suggested currently not supported for '{verb}'.", Errno.EOPNOTSUPP);
    }

    public static SysUpdateException Fail(string message, Errno errno = Errno.EINVAL) => new(message) { Errno = errno };
}
