using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tests.Maps;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Memory;

public unsafe class ProcessorSlotRequirementTests
{
    /// <summary>Looks up key 0 in map 0 (an lddw map reference) and returns its 8-byte value, or 0 when absent.</summary>
    private const string LookupKeyZero = """
        stw [%r10-4], 0
        lddw %r1, map_fd 0
        mov %r2, %r10
        add %r2, -4
        call 1
        jeq %r0, 0, +1
        ldxdw %r0, [%r0]
        exit
        """;

    private static EbpfProgram LoadVerified(ExtensionRegistry registry, EbpfMap map) =>
        registry.LoadProgram(new ProgramLoadRequest("lookup", "lookup", TestType.ProgramType, Code(LookupKeyZero))
        {
            Maps = [map.Definition],
            WideImmediates = (WideImmediate reference, out ulong value) =>
            {
                value = (ulong)map.Handle;
                return reference.Source == PseudoSource.MapFd && reference.Imm == 0;
            },
        });

    private static ExtensionRegistry VerifyingRegistry()
    {
        var registry = new ExtensionRegistry(CoreHelpers.Find, new AbstractInterpretationVerifier());
        registry.Register(new ProgramInformationProvider("slot-tests", TestType));
        return registry;
    }

    [Fact]
    public void ProgramsWithoutSlotAwareHelpersOrMapsLeaseNoSlot()
    {
        var registry = NewRegistry();
        Assert.False(Load(registry, "trivial", "mov %r0, 1\nexit").RequiresProcessorSlot);
        Assert.False(Load(registry, "clock", "call 9\nexit").RequiresProcessorSlot);
    }

    [Theory]
    [InlineData(GlobalHelpers.GetSmpProcessorId)]
    [InlineData(GlobalHelpers.TailCall)]
    [InlineData(GlobalHelpers.PerfEventOutput)]
    [InlineData(GlobalHelpers.TracePrintk2)]
    public void SlotAwareHelpersLease(uint helper)
    {
        Assert.True(Load(NewRegistry(), "aware", $"call {helper}\nexit").RequiresProcessorSlot);
    }

    [Fact]
    public void AnUnverifiedMapHelperCallerLeasesBecauseItsMapIsUnknown()
    {
        Assert.True(Load(NewRegistry(), "lookup", "mov %r1, 0\ncall 1\nexit").RequiresProcessorSlot);
    }

    [Theory]
    [InlineData(MapType.Hash, false)]
    [InlineData(MapType.Array, false)]
    [InlineData(MapType.PercpuHash, true)]
    [InlineData(MapType.PercpuArray, true)]
    [InlineData(MapType.LruPercpuHash, true)]
    public void AVerifiedLookupLeasesOnlyForPerCpuMaps(MapType type, bool leases)
    {
        using var map = MapFactory.Create(new MapDefinition(type, 4, 8, 4), "m");
        var program = LoadVerified(VerifyingRegistry(), map);
        Assert.Equal(leases, program.RequiresProcessorSlot);
    }

    [Theory]
    [InlineData(MapType.Hash, false)]
    [InlineData(MapType.PercpuArray, true)]
    public void AResolvedValueThatIsNoLiveHandleFallsBackToTheDeclaredMap(MapType declared, bool leases)
    {
        // Never dereferenced: the decision looks the value up among live maps, then uses the request's definitions.
        var program = VerifyingRegistry().LoadProgram(new ProgramLoadRequest("lookup", "lookup", TestType.ProgramType, Code(LookupKeyZero))
        {
            Maps = [new MapDefinition(declared, 4, 8, 4)],
            WideImmediates = (WideImmediate reference, out ulong value) =>
            {
                value = 0x1234;
                return true;
            },
        });
        Assert.Equal(leases, program.RequiresProcessorSlot);
    }

    [Fact]
    public void UnleasedInvocationsStillFindValuesAndReportAProcessor()
    {
        using var map = MapFactory.Create(new MapDefinition(MapType.Hash, 4, 8, 4), "m");
        map.Update(Bytes.Of(0u), Bytes.Of(7ul));
        var program = LoadVerified(VerifyingRegistry(), map);
        Assert.False(program.RequiresProcessorSlot);
        using var context = new ProgramContext(32, 0, 0, 8);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(7ul, program.Invoke(context.Context).ReturnValue);
            Assert.False(ProcessorSlots.IsLeased);
        }
        var state = new InvocationState();
        Assert.InRange(state.Processor, 0, ProcessorSlots.Count - 1);
    }
}
