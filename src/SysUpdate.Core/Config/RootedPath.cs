namespace SysUpdate.Core.Config;

/// <summary>
/// Resolves a path as seen from inside <c>--root</c> to the host path it names, with the semantics of
/// openat2(2)'s <c>RESOLVE_IN_ROOT</c>: symlinks are followed component by component, an absolute
/// symlink target starts again at the root, and <c>..</c> never climbs above it. With the root
/// <c>/</c> the path is returned unchanged. Components that do not exist (yet) are taken literally.
/// </summary>
internal static class RootedPath
{
    /// <summary>Linux's limit on symlinks followed in one lookup.</summary>
    private const int MaxSymlinks = 40;

    /// <param name="root">The <c>--root</c> directory (a host path).</param>
    /// <param name="path">An absolute path as seen inside the root.</param>
    public static string Resolve(string root, string path)
    {
        if (IsHostRoot(root))
            return path;
        string top = HostRoot(root);
        var pending = new Stack<string>(path.Split('/').Reverse());
        var resolved = new List<string>();
        int followed = 0;
        while (pending.TryPop(out var part))
        {
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                if (resolved.Count > 0)
                    resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            string host = Join(top, resolved) + "/" + part;
            if (ReadLink(host) is not { } target)
            {
                resolved.Add(part);
                continue;
            }
            if (++followed > MaxSymlinks)
                throw new SysUpdateException($"{host}: too many levels of symbolic links while resolving '{path}' below {root}") { Errno = Errno.ELOOP };
            if (target.StartsWith('/'))
                resolved.Clear();
            foreach (var component in target.Split('/').Reverse())
                pending.Push(component);
        }
        return Join(top, resolved);
    }

    /// <summary>Resolves all but the last component of <paramref name="path"/> (inside the root) and
    /// appends the last one unresolved: the place to create, rename over or remove an entry.</summary>
    public static string ResolveParent(string root, string path)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) ?? "/";
        return Path.Combine(Resolve(root, parent), name);
    }

    /// <summary>The in-root path of a host path below the root (the inverse of <see cref="Resolve"/>
    /// for resolved paths), or null when <paramref name="hostPath"/> is not below the root.</summary>
    public static string? InRoot(string root, string hostPath)
    {
        if (IsHostRoot(root))
            return hostPath;
        string top = HostRoot(root);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostPath));
        if (full == top)
            return "/";
        return full.StartsWith(top + "/", StringComparison.Ordinal) ? full[top.Length..] : null;
    }

    public static bool IsHostRoot(string root) => Path.TrimEndingDirectorySeparator(root) is "/" or "";

    private static string HostRoot(string root) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    private static string Join(string top, List<string> parts) => parts.Count == 0 ? top : top + "/" + string.Join('/', parts);

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null; // ENOTDIR and the like: the component is taken literally and the later open fails
        }
    }
}
