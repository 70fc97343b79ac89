namespace SysUpdate.Varlink.Tests.Idl;

/// <summary>Interface texts from the spec (§10.1, §10.2) and a few edge cases.</summary>
internal static class SampleIdls
{
    public const string SysUpdate = """
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

        error NoUpdateNeeded()
        error NoSuchTarget()
        """;

    public const string Notify = """
        interface io.systemd.SysUpdate.Notify

        type Resource (
            transfer: string,
            path: ?string
        )

        method OnCompletedUpdate(component: ?string, version: ?string, resources: ?[]Resource) -> ()
        """;

    public const string Compact = "interface a.b\ntype T(x:?[]?[string]int,y:(p:bool,q:(u,v)))\nmethod M(t:T)->(r:object)\nerror E()";

    public static TheoryData<string> All => new() { SysUpdate, Notify, Compact, TestService.Idl, global::SysUpdate.Varlink.Server.VarlinkServiceInterface.Description };
}
