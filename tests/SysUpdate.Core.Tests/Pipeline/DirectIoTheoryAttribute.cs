using Microsoft.Win32.SafeHandles;
using SysUpdate.Core.Disk;
using SysUpdate.Core.Native;
using SysUpdate.Core.Pipeline;

namespace SysUpdate.Core.Tests.Pipeline;

/// <summary>
/// A theory that writes through an <c>O_DIRECT</c> handle to a file in the temp directory: skipped, with the
/// reason shown, when that directory's file system refuses to open a file <c>O_DIRECT</c> or to take an aligned
/// direct write (tmpfs before Linux 6.6, some overlay set-ups) — instead of silently testing the buffered path.
/// </summary>
internal sealed class DirectIoTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> Refusal = new(Probe);

    public DirectIoTheoryAttribute()
    {
        Skip = Refusal.Value;
    }

    /// <summary>Opens <paramref name="path"/> read-write with <c>O_DIRECT</c>, or null when refused.</summary>
    public static SafeFileHandle? OpenDirect(string path) =>
        LibC.TryOpen(path, DiskInterop.O_RDWR | DiskInterop.O_DIRECT, 0, out _);

    private static string? Probe()
    {
        string directory = Directory.CreateTempSubdirectory("sysupdate-odirect-probe-").FullName;
        try
        {
            string path = Path.Combine(directory, "probe");
            File.WriteAllBytes(path, new byte[BoundedWriter.DirectAlignment]);
            using SafeFileHandle? direct = OpenDirect(path);
            if (direct is null)
                return $"the file system of {Path.GetTempPath()} refuses open(O_DIRECT)";
            using var block = new AlignedBuffer(BoundedWriter.DirectAlignment, BoundedWriter.DirectAlignment);
            try
            {
                RandomAccess.Write(direct, block.Memory.Span, 0);
            }
            catch (IOException e)
            {
                return $"the file system of {Path.GetTempPath()} opens O_DIRECT but refuses an aligned direct write: {e.Message}";
            }
            return null;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
