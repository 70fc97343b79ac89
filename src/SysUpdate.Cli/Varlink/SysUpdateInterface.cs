namespace SysUpdate.Cli.Varlink;

/// <summary>
/// The <c>io.systemd.SysUpdate</c> interface: upstream's ListTargets, ListFeatures and CheckNew
/// unchanged, plus what the D-Bus API <c>org.freedesktop.sysupdate1</c> offered. The text is served
/// verbatim by introspection; it is kept identical to <c>io.systemd.SysUpdate.varlink</c> next to this
/// file (a test compares them).
/// </summary>
internal static class SysUpdateInterface
{
    public const string Name = "io.systemd.SysUpdate";

    public const string NoUpdateNeeded = Name + ".NoUpdateNeeded";
    public const string NoSuchTarget = Name + ".NoSuchTarget";
    public const string NoSuchVersion = Name + ".NoSuchVersion";
    public const string NoSuchFeature = Name + ".NoSuchFeature";
    public const string Busy = Name + ".Busy";

    public const string Description = """
        # APIs to manage system updates
        interface io.systemd.SysUpdate

        type TargetClass (machine, portable, sysext, confext, host, component)

        type TargetIdentifier (
            class: TargetClass,
            # null exactly when class is host
            name: ?string
        )

        type Target (
            id: TargetIdentifier
        )

        type Feature (
            id: string,
            description: ?string,
            documentation: ?[]string,
            appstream: ?string,
            isEnabled: bool,
            # transfer IDs incl. disabled ones
            transfers: ?[]string
        )

        method ListFeatures(target: TargetIdentifier) -> (features: []Feature)
        method CheckNew(target: TargetIdentifier, allowInteractiveAuthentication: ?bool) -> (available: string)
        method ListTargets() -> (targets: []Target)

        # One version of a target, across all its transfers, with the flags upstream computes for it.
        type Version (
            version: string,
            # The upstream update-set flag bits: 1 newest, 2 available, 4 installed, 8 obsolete,
            # 16 protected, 32 incomplete, 64 partial, 128 pending.
            flags: int,
            # The words "sysupdate list" prints: current, candidate, available, installed+pending, ...
            assessment: string,
            newest: bool,
            available: bool,
            installed: bool,
            obsolete: bool,
            protected: bool,
            incomplete: bool,
            partial: bool,
            pending: bool
        )

        # One instance of a version: a file, directory or partition in a source or target.
        # The fields of "sysupdate list VERSION --json" contents, with tries-done/tries-left in camel case.
        type Content (
            type: string,
            path: string,
            ptuuid: ?string,
            ptflags: ?int,
            # Modification time in microseconds since the epoch.
            mtime: ?int,
            mode: ?int,
            size: ?int,
            triesDone: ?int,
            triesLeft: ?int,
            noauto: ?bool,
            ro: ?bool,
            growfs: ?bool,
            sha256: ?string
        )

        type UpdatePhase (discovering, making_room, acquiring, installing, done)

        # Where a running acquire, install or update is.
        type Progress (
            phase: UpdatePhase,
            # The version being acquired or installed.
            version: string,
            # The transfer being acquired, in the acquiring phase.
            transfer: ?string,
            # 0-based index of that transfer and the number of enabled transfers.
            transferIndex: int,
            transferCount: int,
            # Bytes of the transfer's payload read so far, and its size when known.
            bytesDone: int,
            bytesTotal: ?int,
            # Percentage of the whole operation (across transfers), 0-100.
            percent: int
        )

        # Lists the versions installed and (unless offline) available, newest first, with the newest
        # installed one and the AppStream catalog URLs (like "sysupdate list --json").
        method ListVersions(target: TargetIdentifier, offline: ?bool) -> (
            current: ?string,
            # True when the current version is acquired but not yet installed.
            currentIsPending: bool,
            versions: []Version,
            appstreamUrls: []string
        )

        # Describes one version in detail (like "sysupdate list VERSION --json").
        method Describe(target: TargetIdentifier, version: string, offline: ?bool) -> (
            version: Version,
            changelogUrls: []string,
            contents: []Content
        )

        # Returns the newest installed version, null when none is installed.
        method GetVersion(target: TargetIdentifier) -> (version: ?string)

        # Downloads the newest version (or the given one) into the targets, leaving it pending.
        # Call with 'more' to receive progress replies (continues: true, only 'progress' set); the final
        # reply carries the acquired version. Root only. Closing the connection cancels the operation:
        # only partial or pending instances are left behind, never an installed one.
        method Acquire(target: TargetIdentifier, version: ?string) -> (progress: ?Progress, version: ?string)

        # Installs the pending version (or the given pending one), like "sysupdate update --offline".
        # Streams progress like Acquire; the final reply carries the installed version. Root only.
        method Install(target: TargetIdentifier, version: ?string) -> (progress: ?Progress, version: ?string)

        # Acquires and installs the newest version (or the given one), like "sysupdate update".
        # Streams progress like Acquire; the final reply carries the installed version. Root only.
        # Subscribers of io.systemd.SysUpdate.Notify are called after an install on the host.
        method Update(target: TargetIdentifier, version: ?string) -> (progress: ?Progress, version: ?string)

        # Removes old, partial and pending instances beyond the limits and those of disabled
        # transfers (like "sysupdate vacuum"). Root only.
        method Vacuum(target: TargetIdentifier) -> (removed: int, disabledTransfers: int)

        # Enables or disables an optional feature by writing a drop-in next to the definitions;
        # null resets it to what the definitions say. Root only.
        method SetFeatureEnabled(target: TargetIdentifier, feature: string, enabled: ?bool) -> ()

        # The newest version, or the one asked for, is already installed.
        error NoUpdateNeeded()

        # No such target, or it has no transfer definitions.
        error NoSuchTarget()

        # The version is not known in the target's sources or targets.
        error NoSuchVersion(version: string)

        # The feature is not defined for the target.
        error NoSuchFeature(feature: string)

        # Another acquire, install, update, vacuum or feature change is running on the target.
        error Busy()

        """;
}
