namespace SysUpdate.Varlink.Tests.Idl;

/// <summary>
/// <c>io.systemd.SysUpdate</c> exactly as systemd 262.1 (Debian 262.1-1) serves it: the reply of
/// <c>varlinkctl call exec:/usr/lib/systemd/systemd-sysupdate org.varlink.service.GetInterfaceDescription</c>.
/// </summary>
internal static class SysUpdate262Idl
{
    public const string Text = """
        # APIs to manage system updates
        interface io.systemd.SysUpdate

        # Class of a Target.
        type TargetClass(
        	# Container or machine managed by systemd-machined.service(8).
        	machine,
        	# Portable service.
        	portable,
        	# System extension managed by systemd-sysext.service(8).
        	sysext,
        	# Configuration extension managed by systemd-confext.service(8).
        	confext,
        	# Host system.
        	host,
        	# Component managed by systemd-sysupdate.service(8).
        	component
        )

        # Identifier for a component of the system (i.e. the host itself, a sysext, a confext, etc.) that can be updated by systemd-sysupdate(8).
        type TargetIdentifier(
        	# Where the target was enumerated.
        	class: TargetClass,
        	# Name of the target, unique within a class.
        	name: ?string
        )

        # Type containing a configured sysupdate target.
        type Target(
        	# Identifier for the target.
        	id: TargetIdentifier
        )

        # Type containing a configured sysupdate feature.
        type Feature(
        	# Identifier for the feature.
        	id: string,
        	# A short human readable description of the feature.
        	description: ?string,
        	# URLs to documentation for the feature.
        	documentation: ?[]string,
        	# A URL to an AppStream catalog XML file describing the feature.
        	appStream: ?string,
        	# Whether the feature is enabled.
        	enabled: bool,
        	# Whether the feature is suggested for enablement.
        	suggested: ?bool,
        	# Array of IDs of the transfers (including currently disabled ones) which are controlled by this feature.
        	transfers: ?[]string
        )

        # Show optional features
        method ListFeatures(
        	# Target to list features for.
        	target: TargetIdentifier
        ) -> (
        	# The configured features.
        	features: []Feature
        )

        # Check if there’s a new version available
        method CheckNew(
        	# Target to check for updates for.
        	target: TargetIdentifier,
        	# Controls whether interactive authentication (via polkit) shall be allowed. If unspecified defaults to false.
        	allowInteractiveAuthentication: ?bool
        ) -> (
        	# The version string for the new version which is available.
        	available: string
        )

        # Show targets
        method ListTargets() -> (
        	# The configured targets.
        	targets: []Target
        )

        # Error indicating that no update is currently available to update to.
        error NoUpdateNeeded()

        # Error indicating the specified target doesn’t exist
        error NoSuchTarget()
        """;
}
