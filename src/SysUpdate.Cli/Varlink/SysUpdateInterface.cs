namespace SysUpdate.Cli.Varlink;

/// <summary>
/// The <c>io.systemd.SysUpdate</c> interface: upstream's ListTargets, ListFeatures and CheckNew
/// unchanged, plus what the D-Bus API <c>org.freedesktop.sysupdate1</c> offered. The text is served
/// verbatim by introspection from <c>io.systemd.SysUpdate.varlink</c> next to this file.
/// </summary>
internal static class SysUpdateInterface
{
    public const string Name = "io.systemd.SysUpdate";

    public const string NoUpdateNeeded = Name + ".NoUpdateNeeded";
    public const string NoSuchTarget = Name + ".NoSuchTarget";
    public const string NoSuchVersion = Name + ".NoSuchVersion";
    public const string NoSuchFeature = Name + ".NoSuchFeature";
    public const string Busy = Name + ".Busy";
    public const string NoSuchJob = Name + ".NoSuchJob";

    /// <summary>The IDL, from the embedded <c>io.systemd.SysUpdate.varlink</c> (the one copy of it).</summary>
    public static string Description { get; } = LoadDescription();

    private static string LoadDescription()
    {
        using var stream = typeof(SysUpdateInterface).Assembly.GetManifestResourceStream("io.systemd.SysUpdate.varlink")
            ?? throw new InvalidOperationException("io.systemd.SysUpdate.varlink is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
