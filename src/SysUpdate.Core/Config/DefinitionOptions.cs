namespace SysUpdate.Core.Config;

/// <summary>Where definitions come from: the CLI's <c>--root</c>, <c>--definitions</c>,
/// <c>--component</c> and <c>--transfer-source</c>.</summary>
internal sealed record DefinitionOptions
{
    /// <summary>Root directory all paths are looked up below; "/" for the host.</summary>
    public string Root { get; init; } = "/";

    /// <summary><c>--definitions=DIR</c>: read only this directory.</summary>
    public string? DefinitionsDirectory { get; init; }

    /// <summary><c>--component=NAME</c>.</summary>
    public string? Component { get; init; }

    /// <summary><c>--transfer-source=PATH</c>, for <c>PathRelativeTo=explicit</c>.</summary>
    public string? TransferSource { get; init; }

    /// <summary>What <c>%R</c> stands for; null: <c>SYSTEMD_SYSUPDATE_SERVER</c>, then <c>sysupdate.conf</c> below <see cref="Root"/>.</summary>
    public UpdateServer? Server { get; init; }

    public DefinitionDirectories Directories => DefinitionsDirectory is { } dir
        ? DefinitionDirectories.ForExplicit(dir)
        : DefinitionDirectories.ForRoot(Root, Component);
}
