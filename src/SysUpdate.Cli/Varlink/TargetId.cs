using System.Text.Json;
using SysUpdate.Cli.Output;
using SysUpdate.Core.Config;
using SysUpdate.Varlink;

namespace SysUpdate.Cli.Varlink;

/// <summary>A <c>TargetIdentifier</c>: the class and, except for <c>host</c>, the name.</summary>
internal readonly record struct TargetId(string Class, string? Name)
{
    public const string HostClass = "host";
    public const string ComponentClass = "component";

    public static readonly TargetId Host = new(HostClass, null);

    /// <summary>Key of the per-target lock, upstream's target id spelling (<c>host</c>, <c>component:NAME</c>).</summary>
    public string Key => Name is null ? Class : $"{Class}:{Name}";

    /// <summary>
    /// Reads the <c>target</c> parameter (already type-checked by the server): <c>name</c> must be null
    /// exactly when the class is host, and a component name must be valid.
    /// </summary>
    /// <exception cref="VarlinkErrorException">InvalidParameter <c>target</c>.</exception>
    public static TargetId FromParameters(JsonElement parameters)
    {
        JsonElement target = parameters.GetProperty("target");
        string targetClass = target.GetProperty("class").GetString()!;
        string? name = target.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if ((targetClass == HostClass) != (name is null))
            throw VarlinkErrorException.InvalidParameter("target");
        if (targetClass == ComponentClass && !DefinitionLoader.IsValidComponentName(name!))
            throw VarlinkErrorException.InvalidParameter("target");
        if (name is { Length: 0 })
            throw VarlinkErrorException.InvalidParameter("target");
        return new TargetId(targetClass, name);
    }

    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("class", Class);
        // 262.1 writes "name": null for the host rather than leaving it out.
        writer.WriteNullableString("name", Name);
        writer.WriteEndObject();
    }
}
