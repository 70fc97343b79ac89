using SysUpdate.Varlink.Idl;

namespace SysUpdate.Varlink.Tests.Idl;

public sealed class VarlinkIdlParserTests
{
    [Fact]
    public void Parse_SysUpdateInterface_ReadsEveryMember()
    {
        VarlinkInterfaceDefinition definition = VarlinkInterfaceDefinition.Parse(SampleIdls.SysUpdate);

        Assert.Equal("io.systemd.SysUpdate", definition.Name);
        Assert.Equal(["APIs to manage system updates"], definition.Comments);
        Assert.Equal(
            ["TargetClass", "TargetIdentifier", "Target", "Feature", "ListFeatures", "CheckNew", "ListTargets", "NoUpdateNeeded", "NoSuchTarget"],
            definition.Members.Select(m => m.Name));
        var targetClass = Assert.IsType<VarlinkEnumType>(definition.Types["TargetClass"].Type);
        Assert.Equal(["machine", "portable", "sysext", "confext", "host", "component"], targetClass.Values.Select(v => v.Name));
        var identifier = Assert.IsType<VarlinkStructType>(definition.Types["TargetIdentifier"].Type);
        Assert.Equal(new VarlinkNamedType("TargetClass"), identifier.Fields[0].Type);
        Assert.Equal(new VarlinkNullableType(new VarlinkPrimitiveType(VarlinkPrimitiveKind.String)), identifier.Fields[1].Type);
        Assert.Equal(["null exactly when class is host"], identifier.Fields[1].Comments);
        var feature = Assert.IsType<VarlinkStructType>(definition.Types["Feature"].Type);
        Assert.Equal(new VarlinkNullableType(new VarlinkArrayType(new VarlinkPrimitiveType(VarlinkPrimitiveKind.String))), feature.Find("documentation")!.Type);
        VarlinkMethodDefinition checkNew = definition.Methods["CheckNew"];
        Assert.Equal(["target", "allowInteractiveAuthentication"], checkNew.Input.Fields.Select(f => f.Name));
        Assert.Equal("available", Assert.Single(checkNew.Output.Fields).Name);
        Assert.Empty(definition.Methods["ListTargets"].Input.Fields);
        Assert.Empty(definition.Errors["NoSuchTarget"].Parameters.Fields);
        Assert.Equal(SampleIdls.SysUpdate, definition.Text);
    }

    [Fact]
    public void Parse_CompactText_ReadsMapsNestedStructsAndAnonymousEnums()
    {
        VarlinkInterfaceDefinition definition = VarlinkInterfaceDefinition.Parse(SampleIdls.Compact);

        var t = Assert.IsType<VarlinkStructType>(definition.Types["T"].Type);
        Assert.Equal("?[]?[string]int", VarlinkIdlPrinter.Print(t.Fields[0].Type));
        Assert.Equal("(p: bool, q: (u, v))", VarlinkIdlPrinter.Print(t.Fields[1].Type));
        Assert.IsType<VarlinkEnumType>(Assert.IsType<VarlinkStructType>(t.Fields[1].Type).Fields[1].Type);
        Assert.Equal(new VarlinkPrimitiveType(VarlinkPrimitiveKind.Object), definition.Methods["M"].Output.Fields[0].Type);
    }

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("interface foo", 1, 11)]
    [InlineData("interface a.b\nmethod lower() -> ()", 2, 8)]
    [InlineData("interface a.b\nmethod M(x: Unknown) -> ()", 2, 13)]
    [InlineData("interface a.b\nmethod M(x: ??int) -> ()", 2, 14)]
    [InlineData("interface a.b\nmethod M(x: int, x: int) -> ()", 2, 18)]
    [InlineData("interface a.b\nmethod M(x) -> ()", 2, 9)]
    [InlineData("interface a.b\ntype T (a, b: int)", 2, 12)]
    [InlineData("interface a.b\nmethod M() -> ()\nmethod M() -> ()", 3, 8)]
    [InlineData("interface a.b\nmethod M()", 2, 11)]
    [InlineData("interface a.b\nmethod M(x: [int]string) -> ()", 2, 14)]
    [InlineData("interface a.b\nprocedure M() -> ()", 2, 1)]
    [InlineData("interface a.b\ntype T (a, b,)", 2, 14)]
    public void Parse_InvalidText_ThrowsWithPosition(string text, int line, int column)
    {
        var e = Assert.Throws<VarlinkIdlException>(() => VarlinkInterfaceDefinition.Parse(text));

        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
    }

    [Fact]
    public void Parse_MethodInputIsEnum_Throws()
    {
        Assert.Throws<VarlinkIdlException>(() => VarlinkInterfaceDefinition.Parse("interface a.b\nmethod M(a, b) -> ()"));
    }

    [Theory]
    [InlineData("io.systemd.SysUpdate", true)]
    [InlineData("org.varlink.service", true)]
    [InlineData("com.example.my-service", true)]
    [InlineData("org.example.0x", true)]
    [InlineData("single", false)]
    [InlineData("a..b", false)]
    [InlineData("a.-b", false)]
    [InlineData("1a.b", false)]
    public void IsInterfaceName_Examples_MatchGrammar(string name, bool valid)
    {
        Assert.Equal(valid, VarlinkNames.IsInterfaceName(name));
    }
}
