using Ebpf.Extensions.Process;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;

namespace Ebpf.Extensions.Tests;

/// <summary>Loading verifies against the program information of the program's own type.</summary>
public class VerifiedLoadTests
{
    private static ExtensionRegistry Registry()
    {
        var registry = new ExtensionRegistry(_ => null, new AbstractInterpretationVerifier());
        registry.Load(new ProcessExtension());
        registry.Load(new SampleExtension());
        return registry;
    }

    private static EbpfProgram Load(ExtensionRegistry registry, Guid type, string asm) =>
        registry.LoadProgram(new ProgramLoadRequest("p", "s", type, TestPlatform.Code(asm)));

    [Fact]
    public void SafeProgramLoads()
    {
        var program = Load(Registry(), WellKnownProgramTypes.ProcessGuid, "ldxdw %r0, [%r1+16]\nexit");
        Assert.True(program.IsBound);
    }

    [Fact]
    public void ContextReadPastTheDescriptorIsRefusedNamingTheInstruction()
    {
        var registry = Registry();
        // The process context is 144 bytes: offset 144 is outside it; the sample context (32 bytes) even more so.
        var ex = Assert.Throws<EbpfException>(() => Load(registry, WellKnownProgramTypes.ProcessGuid, "mov %r0, 0\nldxdw %r0, [%r1+144]\nexit"));
        Assert.Equal(EbpfResult.VerificationFailed, ex.Result);
        Assert.Contains("instruction 1", ex.Message);
        Load(registry, WellKnownProgramTypes.ProcessGuid, "ldxdw %r0, [%r1+136]\nexit");
        Assert.Throws<EbpfException>(() => Load(registry, WellKnownProgramTypes.SampleGuid, "ldxdw %r0, [%r1+136]\nexit"));
    }

    [Fact]
    public void UninitialisedReturnValueIsRefused()
    {
        var ex = Assert.Throws<EbpfException>(() => Load(Registry(), WellKnownProgramTypes.SampleGuid, "exit"));
        Assert.Equal(EbpfResult.VerificationFailed, ex.Result);
    }

    [Fact]
    public void LoadWithoutVerifierNeedsTheExplicitUnverifiedMode()
    {
        var registry = TestPlatform.NewRegistry();
        registry.Load(new SampleExtension());
        var ex = Assert.Throws<EbpfException>(() =>
            registry.LoadProgram(new ProgramLoadRequest("p", "s", WellKnownProgramTypes.SampleGuid, TestPlatform.Code("mov %r0, 0\nexit"))));
        Assert.Equal(EbpfResult.VerificationFailed, ex.Result);
        Assert.Contains("unverified", ex.Message);
    }
}
