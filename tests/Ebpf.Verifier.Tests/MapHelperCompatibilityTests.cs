using Ebpf.Platform;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests;

/// <summary>Helpers take only the map types they serve (Linux check_map_func_compatibility; eBPF for Windows' contracts).</summary>
public class MapHelperCompatibilityTests
{
    private static readonly MapDescriptor Array = new(2, MapValueKind.Data, 4, 4, 4);
    private static readonly MapDescriptor ProgramArray = new(3, MapValueKind.Programs, 4, 4, 4);
    private static readonly MapDescriptor Hash = new(1, MapValueKind.Data, 4, 4, 4);
    private static readonly MapDescriptor DevMap = new(14, MapValueKind.Data, 4, 4, 4);
    private static readonly MapDescriptor ArrayOfMaps = new(12, MapValueKind.Maps, 4, 4, 4, Array);

    /// <summary>Calls <paramref name="helper"/> with r1 = map 0 (tail_call: r2) and a zeroed 4-byte key/value on the stack.</summary>
    private static VerificationResult Call(MapDescriptor map, int helper)
    {
        string mapRegister = helper == 12 ? "r2" : "r1";
        string setup = helper == 12 ? "r1 = r6\nr3 = 0" : helper == 51 ? "r2 = 0\nr3 = 0" : "r2 = r10\nr2 += -4\nr3 = r10\nr3 += -4\nr4 = 0";
        var program = $"""
            r6 = r1
            *(u32 *)(r10 - 4) = 0
            {mapRegister} = map_fd 0
            {setup}
            call {helper}
            r0 = 0
            exit
            """;
        return Verifier.Verify(AssemblyParser.Parse(program), new LinuxPlatform(LinuxPlatform.Xdp, [map]));
    }

    [Theory]
    [InlineData(1)] // map_lookup_elem: issue 20's NullReferenceException
    [InlineData(2)]
    [InlineData(3)]
    public void AProgramArrayIsOnlyForTailCalls(int helper)
    {
        var result = Call(ProgramArray, helper);
        Assert.False(result.Passed);
        Assert.Matches("r1.type == map_fd|cannot pass map_type 3 \\(PROG_ARRAY\\) into func", result.Errors.First().Message);
        Assert.True(Call(ProgramArray, 12).Passed, Call(ProgramArray, 12).ToString());
    }

    [Fact]
    public void EachSpecialHelperTakesItsOwnMapTypes()
    {
        Assert.Contains("redirect_map takes only DEVMAP or DEVMAP_HASH or CPUMAP or XSKMAP maps", Call(Hash, 51).Errors.First().Message);
        Assert.True(Call(DevMap, 51).Passed);
        Assert.False(Call(ArrayOfMaps, 2).Passed); // maps of maps: lookup only
        Assert.True(Call(ArrayOfMaps, 1).Passed);
        Assert.True(Call(Array, 2).Passed);
        Assert.False(Call(Hash, 87).Passed); // push: queue, stack, bloom filter
    }

    [Theory]
    [InlineData("if r0 == 0 goto <out>", true, null)]
    // Inverted: the fall-through is exactly the null case, and null reaches the map argument.
    [InlineData("if r0 != 0 goto <out>", false, "r1")]
    // The fuzzer's mutation. PREVAIL compares only numbers with a non-zero immediate, so the comparison of the
    // inner-map-or-null is refused first (before the null could reach the map argument on the fall-through).
    [InlineData("if r0 == 14 goto <out>", false, "r0.type == number")]
    public void AnInnerMapMustBeCheckedForNullBeforeItIsPassedAsAMap(string check, bool passes, string? refusal)
    {
        var program = $$"""
            *(u32 *)(r10 - 4) = 0
            r1 = map_fd 0
            r2 = r10
            r2 += -4
            call 1
            {{check}}
            r1 = r0
            r2 = r10
            r2 += -4
            call 1
            <out>:
            r0 = 0
            exit
            """;
        var result = Verifier.Verify(AssemblyParser.Parse(program), new LinuxPlatform(LinuxPlatform.Xdp, [ArrayOfMaps]));
        Assert.Equal(passes, result.Passed);
        if (refusal is not null) Assert.Contains(refusal, result.Errors.First().Message);
    }

    [Fact]
    public void WindowsRulesFollowUpstreamsHelperContracts()
    {
        var rules = MapHelperCompatibility.Windows;
        HelperPrototype H(uint id) => GlobalHelpers.Find(id)!;
        Assert.NotNull(rules.Check(H(GlobalHelpers.MapLookupElem), (uint)MapType.ProgArray));
        Assert.NotNull(rules.Check(H(GlobalHelpers.TailCall), (uint)MapType.Hash));
        Assert.NotNull(rules.Check(H(GlobalHelpers.RingbufOutput), (uint)MapType.Array));
        Assert.NotNull(rules.Check(H(GlobalHelpers.MapPushElem), (uint)MapType.Hash));
        Assert.Null(rules.Check(H(GlobalHelpers.MapPushElem), (uint)MapType.Stack));
        Assert.Null(rules.Check(H(GlobalHelpers.TailCall), (uint)MapType.ProgArray));
        Assert.Null(rules.Check(H(GlobalHelpers.MapUpdateElem), (uint)MapType.HashOfMaps)); // the helper answers -18
        // A custom map's provider answers the generic operations, queue/stack ones included; the special helpers
        // (tail call, ring and perf output) still take only their own types.
        foreach (var id in new[] { GlobalHelpers.MapPushElem, GlobalHelpers.MapPopElem, GlobalHelpers.MapPeekElem })
            Assert.Null(rules.Check(H(id), (uint)MapType.SampleHashMap));
        Assert.NotNull(rules.Check(H(GlobalHelpers.TailCall), (uint)MapType.SampleHashMap));
        Assert.NotNull(rules.Check(H(GlobalHelpers.RingbufOutput), (uint)MapType.SampleHashMap));
        Assert.NotNull(rules.Check(H(GlobalHelpers.PerfEventOutput), (uint)MapType.SampleHashMap));
    }
}
