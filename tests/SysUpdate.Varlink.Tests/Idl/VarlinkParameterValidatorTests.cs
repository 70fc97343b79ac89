using System.Text.Json;
using SysUpdate.Varlink.Idl;

namespace SysUpdate.Varlink.Tests.Idl;

public sealed class VarlinkParameterValidatorTests
{
    private static readonly VarlinkInterfaceDefinition SysUpdate = VarlinkInterfaceDefinition.Parse(SampleIdls.SysUpdate);
    private static readonly VarlinkInterfaceDefinition Test = VarlinkInterfaceDefinition.Parse(TestService.Idl);

    [Theory]
    [InlineData("""{"target":{"class":"host"}}""", null)]
    [InlineData("""{"target":{"class":"host","name":null}}""", null)]
    [InlineData("""{"target":{"class":"sysext","name":"foo"},"allowInteractiveAuthentication":true}""", null)]
    [InlineData("""{"target":{"class":"host"},"allowInteractiveAuthentication":null}""", null)]
    [InlineData("""{}""", "target")]
    [InlineData("""{"target":null}""", "target")]
    [InlineData("""{"target":{"class":"nope"}}""", "target")]
    [InlineData("""{"target":{"class":"host","extra":1}}""", "target")]
    [InlineData("""{"target":{"name":"x"}}""", "target")]
    [InlineData("""{"target":"host"}""", "target")]
    [InlineData("""{"target":{"class":"host"},"allowInteractiveAuthentication":"yes"}""", "allowInteractiveAuthentication")]
    [InlineData("""{"target":{"class":"host"},"unknown":1}""", "unknown")]
    public void FindInvalidParameter_CheckNew_ReportsFirstBadParameter(string parameters, string? expected)
    {
        Assert.Equal(expected, Validate(SysUpdate, "CheckNew", parameters));
    }

    [Theory]
    [InlineData("""{"point":{"x":1,"y":-2}}""", null)]
    [InlineData("""{"point":{"x":1,"y":2,"label":"l"},"color":"red","tags":["a"],"attrs":{"k":1},"flag":false,"ratio":1.5,"extra":{"any":[1]},"nested":{"a":1,"b":"on"}}""", null)]
    [InlineData("""{"point":{"x":1,"y":2},"ratio":3}""", null)]
    [InlineData("""{"point":{"x":18446744073709551615,"y":-9223372036854775808}}""", null)]
    [InlineData("""{"point":{"x":1.5,"y":2}}""", "point")]
    [InlineData("""{"point":{"x":1e30,"y":2}}""", "point")]
    [InlineData("""{"point":{"x":"1","y":2}}""", "point")]
    [InlineData("""{"point":{"x":1,"y":2},"color":"purple"}""", "color")]
    [InlineData("""{"point":{"x":1,"y":2},"tags":["a",1]}""", "tags")]
    [InlineData("""{"point":{"x":1,"y":2},"tags":"a"}""", "tags")]
    [InlineData("""{"point":{"x":1,"y":2},"attrs":{"k":"v"}}""", "attrs")]
    [InlineData("""{"point":{"x":1,"y":2},"attrs":[1]}""", "attrs")]
    [InlineData("""{"point":{"x":1,"y":2},"flag":1}""", "flag")]
    [InlineData("""{"point":{"x":1,"y":2},"ratio":"1"}""", "ratio")]
    [InlineData("""{"point":{"x":1,"y":2},"extra":[1]}""", "extra")]
    [InlineData("""{"point":{"x":1,"y":2},"nested":{"a":1,"b":"maybe"}}""", "nested")]
    [InlineData("""{"point":{"x":1,"y":2},"nested":{"b":"on"}}""", "nested")]
    public void FindInvalidParameter_Echo_ChecksEveryKindOfType(string parameters, string? expected)
    {
        Assert.Equal(expected, Validate(Test, "Echo", parameters));
    }

    private static string? Validate(VarlinkInterfaceDefinition definition, string method, string parameters)
    {
        using JsonDocument document = JsonDocument.Parse(parameters);
        return VarlinkParameterValidator.FindInvalidParameter(definition, definition.Methods[method].Input, document.RootElement);
    }
}
