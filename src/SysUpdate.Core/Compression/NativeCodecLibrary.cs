using System.Runtime.InteropServices;

namespace SysUpdate.Core.Compression;

/// <summary>Loads a system compression library on demand (the dlopen model systemd uses).</summary>
internal static class NativeCodecLibrary
{
    /// <summary>
    /// Loads <paramref name="soname"/>, or throws a one-line <see cref="SysUpdateException"/> that names the
    /// Debian package providing it. The caller frees the handle with <see cref="NativeLibrary.Free"/>.
    /// </summary>
    public static nint Load(string soname, string debianPackage, string formatName)
    {
        if (NativeLibrary.TryLoad(soname, out nint handle))
            return handle;

        throw new SysUpdateException(
            $"Cannot decode {formatName} data: shared library {soname} is not available, install the package {debianPackage}.")
        {
            Errno = Errno.EOPNOTSUPP,
        };
    }
}
