using System.Text;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Operations;

/// <summary>
/// Writes the <c>50-systemd-sysupdate-enabled.conf</c> drop-in that carries an <c>Enabled=</c> override
/// (features and components). Written atomically: a temporary file in the same directory, fsync,
/// rename over the old one, fsync of the directory, so a crash leaves the old setting or the new one,
/// never an empty file.
/// </summary>
internal static class EnabledDropIn
{
    public const string FileName = "50-systemd-sysupdate-enabled.conf";

    /// <summary>Writes <c>[section] Enabled=yes|no</c> to <paramref name="path"/>, or with null removes it.</summary>
    public static async Task SetAsync(string path, string section, bool? enabled, string generatedBy, CancellationToken cancellationToken = default)
    {
        string directory = Path.GetDirectoryName(path)!;
        if (enabled is not { } value)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
                LibC.FsyncPath(directory);
            }
            return;
        }

        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".#{FileName}{Guid.NewGuid():N}");
        try
        {
            byte[] text = Encoding.UTF8.GetBytes($"# Generated via {generatedBy}\n\n[{section}]\nEnabled={(value ? "yes" : "no")}\n");
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(text, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            LibC.Rename(temporary, path);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        LibC.FsyncPath(directory);
    }
}
