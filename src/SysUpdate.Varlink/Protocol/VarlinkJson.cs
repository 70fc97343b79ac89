using System.Text.Json;

namespace SysUpdate.Varlink.Protocol;

/// <summary>Small immutable JSON values shared by the protocol code.</summary>
internal static class VarlinkJson
{
    /// <summary><c>{}</c>; a cloned element, safe to share.</summary>
    public static readonly JsonElement EmptyObject = CreateEmptyObject();

    private static JsonElement CreateEmptyObject()
    {
        using JsonDocument document = JsonDocument.Parse("{}"u8.ToArray());
        return document.RootElement.Clone();
    }
}
