using Ebpf.Platform;

namespace Ebpf.Platform.Tests;

public class ProgramInformationTests
{
    [Fact]
    public void GlobalHelperWithoutCoreImplementationResolvesOnlyWhenOverridden()
    {
        var plain = new ProgramInformation(WellKnownProgramTypes.Bind);
        var overriding = new ProgramInformation(WellKnownProgramTypes.SockAddr, globalHelperOverrides: [GlobalHelpers.GetSocketCookie]);

        Assert.Null(plain.FindHelper(GlobalHelpers.GetSocketCookie));
        var proto = overriding.FindHelper(GlobalHelpers.GetSocketCookie);
        Assert.NotNull(proto);
        Assert.Same(GlobalHelpers.Find(GlobalHelpers.GetSocketCookie), proto);
        Assert.NotNull(plain.FindHelper(GlobalHelpers.MapLookupElem));
    }

    [Fact]
    public void TypeSpecificIdsResolvePerType()
    {
        var process = new ProgramInformation(WellKnownProgramTypes.Process,
            [new HelperPrototype(65536, "bpf_process_get_image_path", ReturnType.Integer, ArgumentType.PtrToCtx, ArgumentType.PtrToWritableMem, ArgumentType.ConstSize)]);
        var xdp = new ProgramInformation(WellKnownProgramTypes.XdpTest,
            [new HelperPrototype(65536, "bpf_xdp_adjust_head", ReturnType.Integer, ArgumentType.PtrToCtx, ArgumentType.Anything) { ReallocatePacket = true }]);

        Assert.Equal("bpf_process_get_image_path", process.FindHelper(65536)!.Name);
        Assert.Equal("bpf_xdp_adjust_head", xdp.FindHelper(65536)!.Name);
        Assert.Null(process.FindHelper(65537));
    }

    [Fact]
    public void TypeSpecificHelperBelow65536IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ProgramInformation(WellKnownProgramTypes.Sample,
            [new HelperPrototype(12, "bad", ReturnType.Integer)]));
        Assert.Contains("bad", ex.Message);
    }

    [Fact]
    public void GlobalTableCoversIds1To35InOrder()
    {
        Assert.Equal(Enumerable.Range(1, 35).Select(i => (uint)i), GlobalHelpers.All.Select(h => h.Id));
        Assert.All(GlobalHelpers.All, h => Assert.Equal(HelperPrototype.MaxArguments, h.Arguments.Length));
        Assert.Equal(5, GlobalHelpers.Find(GlobalHelpers.CsumDiff)!.ArgumentCount);
    }
}
