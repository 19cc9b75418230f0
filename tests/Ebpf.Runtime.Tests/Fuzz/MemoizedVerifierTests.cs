using System.Collections.Immutable;
using Ebpf.Fuzz;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Runtime.Tests.Fuzz;

/// <summary>The fuzz harness reuses a verdict only for the same inputs: any change the verifier could see is analysed anew.</summary>
public class MemoizedVerifierTests
{
    private sealed class CountingVerifier : IProgramVerifier
    {
        public int Calls;

        public ProgramVerificationFailure? Verify(string programName, ImmutableArray<Instruction> instructions, ProgramInformation information,
            IReadOnlyList<MapDefinition> maps, IReadOnlyDictionary<int, ImmutableArray<FunctionArgument>>? globalFunctions = null) =>
            ++Calls % 2 == 0 ? null : new ProgramVerificationFailure(Calls, $"verdict {Calls}");
    }

    private static readonly ImmutableArray<Instruction> Code =
        [new Instruction(OpCodes.LdDw, 1, 1, 0, 0), new Instruction(0, 0, 0, 0, 0), new Instruction(OpCodes.Mov64Imm, 0, 0, 0, 0), new Instruction(OpCodes.Exit, 0, 0, 0, 0)];

    private static readonly ProgramInformation Xdp = new(WellKnownProgramTypes.XdpTest);
    private static readonly MapDefinition[] Maps = [new(MapType.Array, 4, 8, 16)];

    [Fact]
    public void TheSameInputsGetTheRememberedVerdictWhateverTheProgramIsCalled()
    {
        var inner = new CountingVerifier();
        var memo = new MemoizedVerifier(inner);
        var first = memo.Verify("a", Code, Xdp, Maps);
        var second = memo.Verify("b", Code, Xdp, [new MapDefinition(MapType.Array, 4, 8, 16)]);
        Assert.Equal((1, 1L, 1L), (inner.Calls, memo.Hits, memo.Misses));
        Assert.Same(first, second);
    }

    public static TheoryData<string> Changes => ["instruction", "map", "map type in the ABI", "inner template", "program type", "global function"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void AnyChangeTheVerifierCouldSeeIsAnalysedAnew(string change)
    {
        var inner = new CountingVerifier();
        var memo = new MemoizedVerifier(inner);
        memo.Verify("p", Code, Xdp, Maps);
        var arrayOfMaps = new MapDefinition(MapType.ArrayOfMaps, 4, 4, 1, InnerMap: Maps[0]);
        if (change == "inner template") memo.Verify("p", Code, Xdp, [arrayOfMaps]);
        var verdict = change switch
        {
            "instruction" => memo.Verify("p", Code.SetItem(2, new Instruction(OpCodes.Mov64Imm, 0, 0, 0, 1)), Xdp, Maps),
            "map" => memo.Verify("p", Code, Xdp, [Maps[0] with { MaxEntries = 17 }]),
            "map type in the ABI" => memo.Verify("p", Code, Xdp, [Maps[0] with { AbiType = 14 }]),
            "inner template" => memo.Verify("p", Code, Xdp, [arrayOfMaps with { InnerMap = Maps[0] with { ValueSize = 16 } }]),
            "program type" => memo.Verify("p", Code, new ProgramInformation(WellKnownProgramTypes.Bind), Maps),
            _ => memo.Verify("p", Code, Xdp, Maps, new Dictionary<int, ImmutableArray<FunctionArgument>> { [3] = [new(FunctionArgumentKind.Context)] }),
        };
        Assert.Equal(0, memo.Hits);
        Assert.Equal(memo.Misses, inner.Calls);
    }
}
