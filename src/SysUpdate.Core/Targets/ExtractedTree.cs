using SysUpdate.Core.Native;

namespace SysUpdate.Core.Targets;

/// <summary>
/// A tree the <see cref="TarExtractor"/> unpacked but has not exposed yet: its top directory is mode
/// 0700, so only root can reach anything below it, and what would give privileges — setuid/setgid
/// bits, device node permissions, file capabilities — is held back here. <see cref="Expose"/> applies
/// them and the directories' final modes and mtimes once the payload is known to be the published one.
/// </summary>
internal sealed class ExtractedTree
{
    /// <summary>File capabilities: held back like setuid, since they grant privileges on exec.</summary>
    public const string CapabilityAttribute = "security.capability";
    private const UnixFileMode PrivilegeBits = UnixFileMode.SetUser | UnixFileMode.SetGroup;
    private const UnixFileMode DefaultDirectoryMode = (UnixFileMode)0x1ED; // 0755, as tar creates missing parents

    private readonly Dictionary<string, UnixFileMode> _heldModes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _heldCapabilities = new(StringComparer.Ordinal);
    private readonly List<string> _directories = [];
    private readonly Dictionary<string, (UnixFileMode Mode, DateTimeOffset? Time)> _directoryMetadata = new(StringComparer.Ordinal);

    public ExtractedTree(string root)
    {
        Root = root;
        _directoryMetadata[root] = (DefaultDirectoryMode, null);
    }

    public string Root { get; }

    /// <summary>Modes, capabilities and device permissions held back until <see cref="Expose"/>.</summary>
    public int HeldBack => _heldModes.Count + _heldCapabilities.Count;

    /// <summary>The mode to give a non-directory now: <paramref name="mode"/> without setuid/setgid; the
    /// full mode is applied by <see cref="Expose"/>.</summary>
    public UnixFileMode HoldPrivileges(string path, UnixFileMode mode)
    {
        if ((mode & PrivilegeBits) == 0)
            return mode;
        _heldModes[path] = mode;
        return mode & ~PrivilegeBits;
    }

    /// <summary>A device node is created without permissions; its mode is applied by <see cref="Expose"/>.</summary>
    public void HoldDeviceMode(string path, UnixFileMode mode) => _heldModes[path] = mode;

    public void HoldCapability(string path, byte[] value) => _heldCapabilities[path] = value;

    /// <summary>A later entry replaced <paramref name="path"/>: nothing held for the old one applies.</summary>
    public void Forget(string path)
    {
        _heldModes.Remove(path);
        _heldCapabilities.Remove(path);
    }

    /// <summary>Records a directory (created with mode 0700) and the mode and mtime it gets once exposed.</summary>
    public void AddDirectory(string path, UnixFileMode mode, DateTimeOffset? time)
    {
        if (!_directoryMetadata.ContainsKey(path) && path != Root)
            _directories.Add(path);
        _directoryMetadata[path] = (mode, time);
    }

    public bool IsKnownDirectory(string path) => _directoryMetadata.ContainsKey(path);

    /// <summary>Applies what was held back, then the directories' modes and mtimes (deepest first, the
    /// top directory last: until then nothing below it is reachable by other users).</summary>
    public void Expose()
    {
        foreach (var (path, value) in _heldCapabilities)
        {
            if (LibC.GetFileKind(path) == FileKind.Regular)
                LibC.LSetXattr(path, CapabilityAttribute, value);
        }
        foreach (var (path, mode) in _heldModes)
        {
            // Only what the extractor created there; never through a symlink.
            if (LibC.GetFileKind(path) is not (FileKind.None or FileKind.Directory or FileKind.Symlink))
                File.SetUnixFileMode(path, mode);
        }
        for (int i = _directories.Count - 1; i >= 0; i--)
            FinishDirectory(_directories[i]);
        FinishDirectory(Root);
    }

    private void FinishDirectory(string path)
    {
        var (mode, time) = _directoryMetadata[path];
        if (LibC.GetFileKind(path) != FileKind.Directory)
            return;
        File.SetUnixFileMode(path, mode);
        if (time is { } t)
            Directory.SetLastWriteTimeUtc(path, t.UtcDateTime);
    }
}
