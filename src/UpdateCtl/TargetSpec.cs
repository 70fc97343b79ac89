using System.Text.Json;
using System.Text.Json.Nodes;

namespace UpdateCtl;

/// <summary>A target as updatectl spells it: <c>host</c> or <c>CLASS:NAME</c>, optionally <c>@VERSION</c> after the last '@'.</summary>
internal sealed record TargetSpec(string Class, string? Name, string? Version = null)
{
    private static readonly string[] Classes = ["machine", "portable", "sysext", "confext", "host", "component"];

    public static TargetSpec Host { get; } = new("host", null);

    public string Id => Name is null ? Class : $"{Class}:{Name}";

    /// <exception cref="UsageException">The text is not a valid target.</exception>
    public static TargetSpec Parse(string text, bool allowVersion)
    {
        string? version = null;
        int at = text.LastIndexOf('@');
        if (at >= 0)
        {
            if (!allowVersion)
                throw new UsageException($"A version may not be given here: {text}");
            version = text[(at + 1)..];
            text = text[..at];
            if (version.Length == 0)
                throw new UsageException($"Empty version in '{text}@'.");
        }
        if (text == "host")
            return new TargetSpec("host", null, version);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1 || !Classes.Contains(text[..colon]) || text[..colon] == "host")
            throw new UsageException($"Invalid target '{text}': expected 'host' or CLASS:NAME with CLASS one of machine, portable, sysext, confext, component.");
        return new TargetSpec(text[..colon], text[(colon + 1)..], version);
    }

    public static TargetSpec FromJson(JsonElement id) =>
        new(id.GetProperty("class").GetString()!, id.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null);

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["class"] = Class };
        if (Name is not null)
            o["name"] = Name;
        return o;
    }

    /// <summary>The parameters <c>{"target": …}</c> plus <paramref name="more"/>.</summary>
    public JsonObject Parameters(params (string Key, JsonNode? Value)[] more)
    {
        var o = new JsonObject { ["target"] = ToJson() };
        foreach (var (key, value) in more)
        {
            if (value is not null)
                o[key] = value;
        }
        return o;
    }
}
