namespace SysUpdate.Benchmarks;

/// <summary>
/// The Debian sid chroot that tests/test72-262/run.sh builds, holding systemd 262.1's own systemd-sysupdate (kept as
/// <c>systemd-sysupdate.upstream</c>) and the systemd-pull it runs for url sources. A tool runs there in a private
/// mount namespace (the mounts vanish with it): /proc, /sys, /dev (loop devices), fresh /run and /tmp, and the work
/// directory bound at its own path, so transfer definitions, targets and the timing wrapper have the same paths
/// inside and out.
/// </summary>
internal sealed class ReferenceChroot
{
    public const string DefaultDirectory = "/var/tmp/sysupdate-test72-sid-262.1";
    public const string SysupdatePath = "/usr/lib/systemd/systemd-sysupdate.upstream";
    private const string PullPath = "/usr/lib/systemd/systemd-pull";

    private const string EnterScript = """
        root=$1 work=$2
        shift 2
        mount -t proc proc "$root/proc"
        mount --rbind /sys "$root/sys"
        mount --rbind /dev "$root/dev"
        mount -t tmpfs -o mode=0755 tmpfs "$root/run"
        mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
        mount --bind "$work" "$root$work"
        exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LC_ALL=C SYSTEMD_PAGER=cat "$@"
        """;

    private ReferenceChroot(string directory, string version)
    {
        Directory = directory;
        Version = version;
    }

    public string Directory { get; }

    /// <summary>The Debian version of the chroot's systemd package (262.1-1).</summary>
    public string Version { get; }

    public static async Task<ReferenceChroot> OpenAsync(string directory)
    {
        string build = directory == DefaultDirectory
            ? "sudo bash tests/test72-262/run.sh --build-only"
            : $"sudo TEST72_CHROOT={directory} bash tests/test72-262/run.sh --build-only";
        foreach (string tool in new[] { SysupdatePath, PullPath })
        {
            if (!File.Exists(directory + tool))
                throw new BenchmarkSetupException($"{directory}{tool} does not exist: build the systemd 262.1 chroot with '{build}' (or pass --chroot DIR)");
        }
        var query = await ChildProcess.RunAsync("chroot", [directory, "dpkg-query", "-W", "-f", "${Version}", "systemd"], pollRss: false).ConfigureAwait(false);
        if (query.ExitCode != 0)
            throw new BenchmarkSetupException($"chroot {directory} dpkg-query -W systemd failed: {query.Output.Trim()} (rebuild with '{build}')");
        return new ReferenceChroot(directory, query.Output.Trim());
    }

    /// <summary>The arguments for <c>unshare</c> that enter the chroot with <paramref name="work"/> visible and
    /// exec what follows them.</summary>
    public IReadOnlyList<string> UnsharePrefix(string work) =>
        ["--mount", "--propagation", "private", "--", "/bin/bash", "-e", "-c", EnterScript, "compare-reference", Directory, work];

    /// <summary>The decoder libraries both tools load at run time; sid's liblzma 5.8 decodes about twice as fast as
    /// Debian 12's 5.4.</summary>
    public static IReadOnlyList<string> CodecLibraries { get; } = ["liblzma.so.5", "libzstd.so.1", "libbz2.so.1.0"];

    /// <summary>Copies the chroot's <see cref="CodecLibraries"/> (and nothing else of it: its libc stays out) into
    /// <paramref name="destination"/>, for a run of ours with LD_LIBRARY_PATH pointing there.</summary>
    public void CopyCodecLibraries(string destination)
    {
        System.IO.Directory.CreateDirectory(destination);
        foreach (string soname in CodecLibraries)
        {
            string source = Path.Combine(Directory + "/usr/lib/x86_64-linux-gnu", soname);
            if (!File.Exists(source))
                throw new BenchmarkSetupException($"{source} does not exist: the chroot lacks a codec library (rebuild it)");
            File.Copy(source, Path.Combine(destination, soname), overwrite: true); // follows the soname link
        }
    }

    /// <summary>Creates the mount point for the work directory inside the chroot (removed by <see cref="RemoveMountPoint"/>).</summary>
    public void CreateMountPoint(string work) => System.IO.Directory.CreateDirectory(Directory + work);

    public void RemoveMountPoint(string work)
    {
        if (System.IO.Directory.Exists(Directory + work))
            System.IO.Directory.Delete(Directory + work);
    }
}
