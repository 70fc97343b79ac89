using System.Text;

namespace SysUpdate.Core.Config;

/// <summary>File-level helpers shared by the definition readers.</summary>
internal static class DefinitionFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string ReadText(string path)
    {
        try
        {
            return StrictUtf8.GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            throw new ConfigSyntaxException(new SourceLocation(path, 1), "File is not valid UTF-8");
        }
        catch (IOException ex)
        {
            throw new SysUpdateException($"{path}: cannot read definition file: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SysUpdateException($"{path}: cannot read definition file: {ex.Message}", ex);
        }
    }

    /// <summary>A name usable as a file name component: non-empty, no '/', not "." or "..",
    /// printable, at most 255 bytes (systemd's <c>filename_is_valid</c>).</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && name.Length <= 255 && name is not "." and not ".."
        && !name.Any(c => c == '/' || char.IsControl(c));

    /// <summary>True when <paramref name="path"/> masks a definition: a symlink to /dev/null, /dev/null
    /// itself, or an empty regular file (systemd's <c>null_or_empty</c>).</summary>
    public static bool IsMasked(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target && (target == "/dev/null" || info.ResolveLinkTarget(true)?.FullName == "/dev/null"))
            return true;
        if (path == "/dev/null")
            return true;
        try
        {
            var resolved = info.LinkTarget is null ? info : info.ResolveLinkTarget(true) as FileInfo;
            return resolved is { Exists: true, Length: 0 } && (resolved.Attributes & FileAttributes.Device) == 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
