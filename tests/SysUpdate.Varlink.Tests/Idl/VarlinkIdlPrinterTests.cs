using FsCheck;
using FsCheck.Fluent;
using SysUpdate.Varlink.Idl;

namespace SysUpdate.Varlink.Tests.Idl;

public sealed class VarlinkIdlPrinterTests
{
    [Theory]
    [MemberData(nameof(SampleIdls.All), MemberType = typeof(SampleIdls))]
    public void Print_ParsedText_RoundTripsAndIsIdempotent(string text)
    {
        string printed = VarlinkIdlPrinter.Print(VarlinkInterfaceDefinition.Parse(text));
        VarlinkInterfaceDefinition reparsed = VarlinkInterfaceDefinition.Parse(printed);

        Assert.Equal(printed, VarlinkIdlPrinter.Print(reparsed));
        Assert.Equal(
            VarlinkInterfaceDefinition.Parse(text).Members.Select(Describe),
            reparsed.Members.Select(Describe));
    }

    [Fact]
    public void Print_SysUpdateInterface_IsCanonicalText()
    {
        string printed = VarlinkInterfaceDefinition.Parse(SampleIdls.SysUpdate).ToString();

        Assert.Equal(
            """
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

            """,
            printed);
    }

    [Fact]
    public void Print_RandomTypes_ParseBackToTheSameType()
    {
        Gen<VarlinkType> types = TypeGen(3);
        Prop.ForAll(types.ToArbitrary(), type =>
        {
            string text = $"interface a.b\ntype N (x: int)\nmethod M(f: {VarlinkIdlPrinter.Print(type)}) -> ()\n";
            VarlinkType parsed = VarlinkInterfaceDefinition.Parse(text).Methods["M"].Input.Fields[0].Type;
            return VarlinkIdlPrinter.Print(parsed) == VarlinkIdlPrinter.Print(type);
        }).QuickCheckThrowOnFailure();
    }

    private static Gen<VarlinkType> TypeGen(int depth)
    {
        Gen<VarlinkType> leaf = Gen.OneOf(
            Gen.Elements(VarlinkPrimitiveKind.Bool, VarlinkPrimitiveKind.Int, VarlinkPrimitiveKind.Float, VarlinkPrimitiveKind.String, VarlinkPrimitiveKind.Object)
                .Select(k => (VarlinkType)new VarlinkPrimitiveType(k)),
            Gen.Constant((VarlinkType)new VarlinkNamedType("N")),
            Gen.Elements("a", "b_c", "dE1").ListOf().Select(v => (VarlinkType)new VarlinkEnumType(v.Distinct().Select(n => new VarlinkEnumValue(n, [])).ToList())).Where(t => ((VarlinkEnumType)t).Values.Count > 0));
        if (depth == 0)
        {
            return leaf;
        }

        Gen<VarlinkType> inner = TypeGen(depth - 1);
        Gen<VarlinkType> nonNullable = Gen.OneOf(
            leaf,
            inner.Select(t => (VarlinkType)new VarlinkArrayType(t)),
            inner.Select(t => (VarlinkType)new VarlinkMapType(t)),
            inner.ListOf().Select(ts => (VarlinkType)new VarlinkStructType(ts.Select((t, i) => new VarlinkField($"f{i}", t, [])).ToList())));
        return Gen.OneOf(nonNullable, nonNullable.Where(t => t is not VarlinkNullableType).Select(t => (VarlinkType)new VarlinkNullableType(t)));
    }

    private static string Describe(VarlinkMember member) => member switch
    {
        VarlinkTypeDefinition t => $"type {t.Name} {VarlinkIdlPrinter.Print(t.Type)} {Comments(t.Type)} [{string.Join('|', t.Comments)}]",
        VarlinkMethodDefinition m => $"method {m.Name} {VarlinkIdlPrinter.Print(m.Input)} -> {VarlinkIdlPrinter.Print(m.Output)} {Comments(m.Input)} [{string.Join('|', m.Comments)}]",
        VarlinkErrorDefinition e => $"error {e.Name} {VarlinkIdlPrinter.Print(e.Parameters)} [{string.Join('|', e.Comments)}]",
        _ => throw new InvalidOperationException(),
    };

    private static string Comments(VarlinkType type) => type switch
    {
        VarlinkStructType s => string.Join(";", s.Fields.Select(f => $"{f.Name}[{string.Join('|', f.Comments)}]")),
        VarlinkEnumType e => string.Join(";", e.Values.Select(v => $"{v.Name}[{string.Join('|', v.Comments)}]")),
        _ => string.Empty,
    };
}
