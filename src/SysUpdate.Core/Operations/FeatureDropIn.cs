using System.Text;
using SysUpdate.Core.Config;
using SysUpdate.Core.Native;

namespace SysUpdate.Core.Operations;

/// <summary>
/// The <c>50-systemd-sysupdate-enabled.conf</c> drop-in that <c>enable-feature</c>/<c>disable-feature</c>
/// and Varlink <c>SetFeatureEnabled</c> write below the writable definitions directory. Written
/// atomically: a temporary file in the same directory, fsync, rename over the old one, fsync of the
/// directory, so a crash leaves the old setting or the new one, never an empty file.
/// </summary>
internal static class FeatureDropIn
{
    public const string FileName = "50-systemd-sysupdate-enabled.conf";

    public static string PathFor(Definitions definitions, string feature) =>
        Path.Combine(definitions.Directories.WritableDirectory, feature + ".feature.d", FileName);

    /// <summary>Writes <c>Enabled=yes|no</c>, or with null removes the drop-in (back to the feature's default).</summary>
    public static async Task SetAsync(Definitions definitions, string feature, bool? enabled, string generatedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        string path = PathFor(definitions, feature);
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
            byte[] text = Encoding.UTF8.GetBytes($"# Generated via {generatedBy}\n\n[Feature]\nEnabled={(value ? "yes" : "no")}\n");
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
