using System.Reflection;

namespace SysUpdate.Integration.Tests.Support;

/// <summary>
/// Where a project's build output is for the configuration and runtime identifier these tests were built
/// with (both recorded in the test assembly by its csproj): never another configuration's possibly stale
/// output, never another architecture's.
/// </summary>
internal static class BuildOutput
{
    public static string Configuration { get; } = Metadata("Configuration");

    public static string RuntimeIdentifier { get; } = Metadata("RuntimeIdentifier");

    /// <summary>The executable <paramref name="name"/> built from <paramref name="projectDirectory"/> (relative to the
    /// repository root) for this configuration; <paramref name="perRuntime"/> when that project builds for a runtime identifier.</summary>
    public static string Executable(string projectDirectory, string name, bool perRuntime) =>
        perRuntime
            ? RepoLayout.Path($"{projectDirectory}/bin/{Configuration}/net10.0/{RuntimeIdentifier}/{name}")
            : RepoLayout.Path($"{projectDirectory}/bin/{Configuration}/net10.0/{name}");

    private static string Metadata(string key) =>
        typeof(BuildOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"the test assembly lacks its {key} metadata (see SysUpdate.Integration.Tests.csproj)");
}
