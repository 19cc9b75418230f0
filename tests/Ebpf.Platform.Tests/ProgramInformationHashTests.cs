using Ebpf.Platform;

namespace Ebpf.Platform.Tests;

/// <summary>The example digests of the facts sheet §6, byte for byte.</summary>
public class ProgramInformationHashTests
{
    private static readonly HelperPrototype SampleHelper1 =
        new(65536, "sample_ebpf_extension_helper_function1", ReturnType.Integer, ArgumentType.PtrToCtx);

    public static TheoryData<string, uint[], int, string> Examples => new()
    {
        { "bind", [], 49, "9fbf26553a538157c22a832da9a285137f2148a7a54bf61531782ac9793a1763" },
        { "sock_addr", [], 54, "f52e557f0f3cb5e1a8f5d901f49b410f70e5e72dc1d45437d8608bd9ffeee76a" },
        { "process", [], 52, "7837933c5eea434dd6939c5707632d190045b832ce61c9323af267d5b97de472" },
        { "bind", [2, 1, 2], 143, "31714f44caec44f009d0e71ab3f1608a6641b12bc152e883a4f25e2044ed35a4" },
        { "sample", [65536], 117, "6be1cfcfae6c762f1aa4d85ff456faed6ebe9fca58bf02688029cf6ec05e6555" },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void ReproducesFactSheetDigests(string type, uint[] helpers, int length, string digest)
    {
        var info = new ProgramInformation(WellKnownProgramTypes.All.Single(d => d.Name == type), [SampleHelper1]);
        Assert.Equal(length, ProgramInformationHash.Serialize(info, helpers).Length);
        Assert.Equal(digest, ProgramInformationHash.ToHex(ProgramInformationHash.Compute(info, helpers)));
    }

    [Fact]
    public void ReallocatePacketFlagIsAppendedOnlyWhenSet()
    {
        var plain = new HelperPrototype(65536, "bpf_xdp_adjust_head", ReturnType.Integer, ArgumentType.PtrToCtx, ArgumentType.Anything);
        var withFlag = plain with { ReallocatePacket = true };
        var a = ProgramInformationHash.Serialize(new(WellKnownProgramTypes.XdpTest, [plain]), [65536]);
        var b = ProgramInformationHash.Serialize(new(WellKnownProgramTypes.XdpTest, [withFlag]), [65536]);
        Assert.Equal(a.Length + 1, b.Length);
        Assert.Equal(1, b[^1]);
    }

    [Fact]
    public void ImplicitContextIsNotHashed()
    {
        var plain = new HelperPrototype(65539, "sample_ebpf_extension_helper_implicit_1", ReturnType.Integer);
        var a = ProgramInformationHash.Compute(new(WellKnownProgramTypes.Sample, [plain]), [65539]);
        var b = ProgramInformationHash.Compute(new(WellKnownProgramTypes.Sample, [plain with { ImplicitContext = true }]), [65539]);
        Assert.Equal(a, b);
    }

    [Fact]
    public void UncalledHelpersDoNotChangeTheHash()
    {
        var extra = new HelperPrototype(65537, "other", ReturnType.Integer, ArgumentType.Anything);
        var a = ProgramInformationHash.Compute(new(WellKnownProgramTypes.Sample, [SampleHelper1]), [65536]);
        var b = ProgramInformationHash.Compute(new(WellKnownProgramTypes.Sample, [SampleHelper1, extra]), [65536]);
        Assert.Equal(a, b);
    }

    [Fact]
    public void ChangedPrototypeOfACalledHelperChangesTheHash()
    {
        var changed = SampleHelper1 with { ReturnType = ReturnType.PtrToMapValueOrNull };
        var a = ProgramInformationHash.Compute(new(WellKnownProgramTypes.Sample, [SampleHelper1]), [65536]);
        var b = ProgramInformationHash.Compute(new(WellKnownProgramTypes.Sample, [changed]), [65536]);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void OverriddenGlobalHelperIsHashedWithTheCorePrototype()
    {
        var info = new ProgramInformation(WellKnownProgramTypes.SockAddr, globalHelperOverrides: [GlobalHelpers.GetCurrentPidTgid]);
        var plain = new ProgramInformation(WellKnownProgramTypes.SockAddr);
        Assert.Equal(ProgramInformationHash.Compute(plain, [19]), ProgramInformationHash.Compute(info, [19]));
    }

    [Fact]
    public void UnknownHelperNamesTheIdAndType()
    {
        var ex = Assert.Throws<ProgramInformationException>(() =>
            ProgramInformationHash.Compute(new(WellKnownProgramTypes.Process), [65536]));
        Assert.Contains("65536", ex.Message);
        Assert.Contains("process", ex.Message);
    }

    [Fact]
    public void BtfFunctionsAreCountedOnlyWhenPresent()
    {
        var f = new BtfResolvedFunction(new Guid("8f6c1f83-ce4c-4b58-8b91-654a29e23b7c"), "sample_ebpf_extension_btf_lookup",
            ReturnType.Integer, [ArgumentType.Anything, ArgumentType.PtrToWritableMem, ArgumentType.ConstSize]);
        var info = new ProgramInformation(WellKnownProgramTypes.Sample);
        var without = ProgramInformationHash.Serialize(info, []);
        var with = ProgramInformationHash.Serialize(info, [], [f]);
        Assert.Equal(without.Length + 8 + 16 + f.Name.Length + 4 + 20 + 4, with.Length);
    }
}
