using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using SysUpdate.Core.Disk;

namespace SysUpdate.Core.Tests.Disk;

public sealed class GptPartitionTypesTests
{
    [Theory]
    [InlineData("linux-generic", "0fc63daf-8483-4772-8e79-3d69d8477de4")]
    [InlineData("esp", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b")]
    [InlineData("xbootldr", "bc13c2ff-59e6-4262-a352-b275fd6f7172")]
    [InlineData("swap", "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f")]
    [InlineData("home", "933ac7e1-2eb4-4f13-b844-0e14e2aef915")]
    [InlineData("srv", "3b8f8425-20e0-4f3b-907f-1a25a76f98e8")]
    [InlineData("var", "4d21b016-b534-45c2-a9fb-5c16e091fd2d")]
    [InlineData("tmp", "7ec6f557-3bc5-4aca-b293-16ef5df639d1")]
    [InlineData("user-home", "773f91ef-66d4-49b5-bd83-d683bf40ad16")]
    [InlineData("root", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709")]
    [InlineData("root-verity", "2c7357ed-ebd2-46d9-aec1-23d437ec2bf5")]
    [InlineData("root-verity-sig", "41092b05-9fc8-4523-994f-2def0408b176")]
    [InlineData("usr", "8484680c-9521-48c6-9c11-b0720656f69e")]
    [InlineData("usr-verity", "77ff5f63-e7b6-4633-acf4-1565b864c0e6")]
    [InlineData("usr-verity-sig", "e7bb33fb-06cf-4e81-8273-e543b413e2e2")]
    [InlineData("root-secondary", "44479540-f297-41b2-9af7-d131d5f0458a")]
    [InlineData("root-x86-64", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709")]
    [InlineData("root-x86_64", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709")]
    [InlineData("root-amd64", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709")]
    [InlineData("root-x86", "44479540-f297-41b2-9af7-d131d5f0458a")]
    [InlineData("usr-i686-verity", "8f461b0d-14ee-4e81-9aa9-049b6fb97abd")]
    [InlineData("root-arm64", "b921b045-1df0-41c3-af44-4c6f280d3fae")]
    [InlineData("root-aarch64-verity-sig", "6db69de6-29f4-4758-a7a5-962190f00ce3")]
    [InlineData("usr-arm", "7d0359a3-02b3-4f0a-865c-654403e70625")]
    [InlineData("root-ia64", "993d8d3d-f80e-4225-855a-9daf8ed7ea97")]
    [InlineData("usr-loongarch64", "e611c702-575c-4cbe-9a46-434fa0bf7e3f")]
    [InlineData("root-riscv32-verity", "ae0253be-1167-4007-ac68-43926c14c5de")]
    [InlineData("usr-riscv64-verity-sig", "d2f9000a-7a18-453f-b5cd-4d32f77a7b32")]
    [InlineData("root-ppc64-le", "c31c45e6-3f39-412e-80fb-4809c4980599")]
    [InlineData("root-ppc64le", "c31c45e6-3f39-412e-80fb-4809c4980599")]
    [InlineData("usr-s390x", "8a4f5770-50aa-4ed3-874a-99b710db6fea")]
    [InlineData("root-parisc", "1aacdb3b-5444-4138-bd9e-e5c2239b2346")]
    [InlineData("0FC63DAF-8483-4772-8E79-3D69D8477DE4", "0fc63daf-8483-4772-8e79-3d69d8477de4")]
    [InlineData("0fc63daf848347728e793d69d8477de4", "0fc63daf-8483-4772-8e79-3d69d8477de4")]
    public void TryResolve_NamesAndUuids_X64(string text, string expected)
    {
        Assert.True(GptPartitionTypes.TryResolve(text, Architecture.X64, out Guid type));
        Assert.Equal(Guid.Parse(expected), type);
    }

    [Theory]
    [InlineData("Root")]
    [InlineData("root-x86-64-verity-signature")]
    [InlineData("root-mips")]
    [InlineData("")]
    [InlineData("{0fc63daf-8483-4772-8e79-3d69d8477de4}")]
    [InlineData("linux")]
    public void TryResolve_Unknown_False(string text) =>
        Assert.False(GptPartitionTypes.TryResolve(text, Architecture.X64, out _));

    [Fact]
    public void TryResolve_BareNames_FollowNativeArchitecture()
    {
        Assert.True(GptPartitionTypes.TryResolve("root", Architecture.Arm64, out Guid arm64Root));
        Assert.Equal(Guid.Parse("b921b045-1df0-41c3-af44-4c6f280d3fae"), arm64Root);
        Assert.True(GptPartitionTypes.TryResolve("usr-secondary", Architecture.Arm64, out Guid armUsr));
        Assert.Equal(Guid.Parse("7d0359a3-02b3-4f0a-865c-654403e70625"), armUsr);
        Assert.True(GptPartitionTypes.TryResolve("root-verity", Architecture.RiscV64, out Guid riscv));
        Assert.Equal(Guid.Parse("b6ed5582-440b-4209-b8da-5ff7c419ea3d"), riscv);
        Assert.False(GptPartitionTypes.TryResolve("root-secondary", Architecture.RiscV64, out _));
    }

    [Fact]
    public void TryResolve_ProcessArchitecture_MatchesExplicitOverload()
    {
        Assert.True(GptPartitionTypes.TryResolve("root", out Guid native));
        Assert.True(GptPartitionTypes.TryResolve("root", RuntimeInformation.OSArchitecture, out Guid expected));
        Assert.Equal(expected, native);
    }

    [Theory]
    [InlineData("4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "root-x86-64")]
    [InlineData("0fc63daf-8483-4772-8e79-3d69d8477de4", "linux-generic")]
    [InlineData("c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "esp")]
    [InlineData("6db69de6-29f4-4758-a7a5-962190f00ce3", "root-arm64-verity-sig")]
    [InlineData("c31c45e6-3f39-412e-80fb-4809c4980599", "root-ppc64-le")]
    [InlineData("12345678-1234-4234-8234-123456789abc", "12345678-1234-4234-8234-123456789abc")]
    public void ToConfigString_CanonicalNameOrUuid(string uuid, string expected) =>
        Assert.Equal(expected, GptPartitionTypes.ToConfigString(Guid.Parse(uuid)));

    [Fact]
    public void ToConfigString_RoundTripsThroughTryResolve()
    {
        foreach (GptPartitionTypeEntry entry in GptPartitionTypes.All)
        {
            string name = GptPartitionTypes.ToConfigString(entry.Uuid);
            Assert.True(GptPartitionTypes.TryResolve(name, out Guid back), name);
            Assert.Equal(entry.Uuid, back);
        }
    }

    // Vectors from spec §6 (computed with systemd's sd_id128_get_app_specific).
    [Theory]
    [InlineData("0fc63daf-8483-4772-8e79-3d69d8477de4", "43456f75-4ab1-4a42-844a-3c2e640cb525", "5b60f346-140d-4a1b-8086-dc4a4097bd3c")]
    [InlineData("4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "7a01d3c6-92ac-43e9-bd77-5726b602ad9d", "64362e66-88a7-463b-b325-7af60c81be06")]
    public void DeriveTypes_SpecVectors(string configured, string partial, string pending)
    {
        Guid type = Guid.Parse(configured);
        Assert.Equal(Guid.Parse(partial), GptPartitionTypes.DerivePartialType(type));
        Assert.Equal(Guid.Parse(pending), GptPartitionTypes.DerivePendingType(type));
    }

    [Fact]
    public void AppSpecific_AlwaysVersion4Rfc4122AndStateTypesDiffer()
    {
        Prop.ForAll<Guid>(configured =>
        {
            Guid partial = GptPartitionTypes.DerivePartialType(configured);
            Guid pending = GptPartitionTypes.DerivePendingType(configured);
            byte[] bytes = partial.ToByteArray(bigEndian: true);
            return (bytes[6] >> 4) == 4 && (bytes[8] & 0xC0) == 0x80 &&
                partial != pending && partial != configured &&
                partial == GptPartitionTypes.AppSpecific(configured, GptPartitionTypes.PartialAppId);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("root", true, true, true)]
    [InlineData("usr-arm64", true, true, true)]
    [InlineData("root-verity", true, true, false)]
    [InlineData("usr-x86-verity", true, true, false)]
    [InlineData("root-verity-sig", false, true, false)]
    [InlineData("usr-riscv64-verity-sig", false, true, false)]
    [InlineData("home", true, true, true)]
    [InlineData("srv", true, true, true)]
    [InlineData("var", true, true, true)]
    [InlineData("tmp", true, true, true)]
    [InlineData("xbootldr", true, true, true)]
    [InlineData("swap", true, false, false)]
    [InlineData("esp", false, false, false)]
    [InlineData("linux-generic", false, false, false)]
    [InlineData("user-home", false, false, false)]
    public void Supports_FlagsPerType(string name, bool noAuto, bool readOnly, bool growFs)
    {
        Assert.True(GptPartitionTypes.TryResolve(name, Architecture.X64, out Guid type));
        Assert.Equal(noAuto, GptPartitionTypes.SupportsNoAuto(type));
        Assert.Equal(readOnly, GptPartitionTypes.SupportsReadOnly(type));
        Assert.Equal(growFs, GptPartitionTypes.SupportsGrowFileSystem(type));
    }

    [Fact]
    public void Supports_DerivedTypes_DefineNoBits()
    {
        Guid partial = GptPartitionTypes.DerivePartialType(GptPartitionTypes.LinuxGeneric);
        Assert.False(GptPartitionTypes.SupportsNoAuto(partial));
        Assert.False(GptPartitionTypes.SupportsReadOnly(partial));
        Assert.False(GptPartitionTypes.SupportsGrowFileSystem(partial));
    }

    [Fact]
    public void FlagConstants_AreTheDpsBits()
    {
        Assert.Equal(1UL << 63, GptPartitionTypes.FlagNoAuto);
        Assert.Equal(1UL << 60, GptPartitionTypes.FlagReadOnly);
        Assert.Equal(1UL << 59, GptPartitionTypes.FlagGrowFileSystem);
    }

    /// <summary>Every per-architecture UUID agrees with util-linux's own table (sfdisk -T).</summary>
    [SfdiskFact]
    public void ArchitectureTypes_AgreeWithSfdiskTypeList()
    {
        var archNames = new Dictionary<string, string>
        {
            ["x86"] = "x86", ["x86-64"] = "x86-64", ["Alpha"] = "alpha", ["ARC"] = "arc", ["ARM"] = "arm", ["ARM-64"] = "arm64",
            ["IA-64"] = "ia64", ["LoongArch-64"] = "loongarch64", ["MIPS-32 LE"] = "mips-le", ["MIPS-64 LE"] = "mips64-le",
            ["PPC"] = "ppc", ["PPC64"] = "ppc64", ["PPC64LE"] = "ppc64-le", ["RISC-V-32"] = "riscv32", ["RISC-V-64"] = "riscv64",
            ["S390"] = "s390", ["S390X"] = "s390x", ["TILE-Gx"] = "tilegx",
        };
        var kinds = new Dictionary<string, (string Prefix, string Suffix)>
        {
            ["Linux root"] = ("root", string.Empty), ["Linux /usr"] = ("usr", string.Empty),
            ["Linux root verity"] = ("root", "-verity"), ["Linux /usr verity"] = ("usr", "-verity"),
            ["Linux root verity sign."] = ("root", "-verity-sig"), ["Linux /usr verity sign."] = ("usr", "-verity-sig"),
        };
        (int exit, string output, _) = DiskTestSupport.Run("sfdisk", "--label gpt -T");
        Assert.Equal(0, exit);
        int compared = 0;
        foreach (string line in output.Split('\n'))
        {
            Match m = Regex.Match(line, @"^\s*([0-9A-Fa-f-]{36})\s+(.+?) \((.+)\)\s*$");
            if (!m.Success || !kinds.TryGetValue(m.Groups[2].Value, out var kind) || !archNames.TryGetValue(m.Groups[3].Value, out string? arch))
            {
                continue;
            }

            string name = $"{kind.Prefix}-{arch}{kind.Suffix}";
            Assert.True(GptPartitionTypes.TryResolve(name, Architecture.X64, out Guid ours), name);
            Assert.Equal(Guid.Parse(m.Groups[1].Value), ours);
            compared++;
        }

        Assert.True(compared >= 100, $"only {compared} types compared");
    }

    [Fact]
    public void ZeroFillByDefault_EveryVeritySigTypeOfEveryArchitecture_OnAndNothingElse()
    {
        int on = 0;
        foreach (GptPartitionTypeEntry entry in GptPartitionTypes.All)
        {
            bool sig = entry.Name.EndsWith("-verity-sig", StringComparison.Ordinal);
            Assert.True(sig == GptPartitionTypes.ZeroFillByDefault(entry.Uuid), $"{entry.Name} ({entry.Uuid})");
            on += sig ? 1 : 0;
        }

        Assert.True(on >= 2 * 19, $"only {on} verity-sig entries");
    }

    [Theory]
    [InlineData("41092b05-9fc8-4523-994f-2def0408b176")] // root-x86-64-verity-sig
    [InlineData("e7bb33fb-06cf-4e81-8273-e543b413e2e2")] // usr-x86-64-verity-sig
    [InlineData("d7ff812f-37d1-4902-a810-d76ba57b975a")] // usr-arm-verity-sig
    public void ZeroFillByDefault_VeritySigUuid_On(string uuid) => Assert.True(GptPartitionTypes.ZeroFillByDefault(Guid.Parse(uuid)));

    [Theory]
    [InlineData("0fc63daf-8483-4772-8e79-3d69d8477de4")] // linux-generic
    [InlineData("2c7357ed-ebd2-46d9-aec1-23d437ec2bf5")] // root-x86-64-verity
    [InlineData("8484680c-9521-48c6-9c11-b0720656f69e")] // usr-x86-64
    [InlineData("12345678-1234-4234-8234-123456789abc")] // unknown
    public void ZeroFillByDefault_OtherTypes_Off(string uuid) => Assert.False(GptPartitionTypes.ZeroFillByDefault(Guid.Parse(uuid)));
}
