using System.Text;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Tests.Soundness;

namespace Ebpf.Verifier.Tests;

/// <summary>
/// The path pass's pruning rules: stack bytes never read again are ignored (liveness), stack numbers whose value
/// decides nothing lose it (precision), and a state waiting at a join that another one includes is dropped. Each
/// positive case needs the rule to finish within the budget; each negative case differs in a slot the rule must keep,
/// and is refused. Also the 32-bit difference of two pointers into one region.
/// </summary>
public sealed class PathPruningTests
{
    /// <summary>Independent branches: the more there are, the more paths without pruning (2 to that power).</summary>
    private const int Branches = 14;

    /// <summary>
    /// XDP entry: r2 = data, r3 = data_end, r6 = ctx, r7 = ingress_ifindex (a number the verifier does not know).
    /// </summary>
    private const string Entry = "r6 = r1\nr2 = *(u32 *)(r6 + 0)\nr3 = *(u32 *)(r6 + 4)\nr7 = *(u32 *)(r6 + 12)\n";

    /// <summary>
    /// A read through a pointer into one of two buffers, each written on its own branch (PREVAIL's twostackvars): the
    /// fixpoint's join keeps neither written, only the path pass proves it. Ends with the read value in r0.
    /// </summary>
    private const string TwoBuffers =
        "r8 = r7\nr8 &= 2\nif r8 == 0 goto <second>\n*(u64 *)(r10 - 300) = 1\nr9 = r10\nr9 += -300\ngoto <read>\n" +
        "<second>:\n*(u64 *)(r10 - 400) = 2\nr9 = r10\nr9 += -400\n<read>:\nr0 = *(u64 *)(r9 + 0)\n";

    private const string Out = "<out>:\nr0 = 0\nexit\n";

    /// <summary>Branch i stores the context pointer into its own slot on one side and a number on the other.</summary>
    private static string PointerOrNumberSlots()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Branches; i++)
        {
            int slot = 8 * (i + 1);
            sb.Append($"r8 = r7\nr8 &= {1 << i}\nif r8 == 0 goto <n{i}>\n*(u64 *)(r10 - {slot}) = r6\ngoto <j{i}>\n");
            sb.Append($"<n{i}>:\n*(u64 *)(r10 - {slot}) = r7\n<j{i}>:\n");
        }
        return sb.ToString();
    }

    private static VerificationResult Verify(string program) =>
        Verifier.Verify(AssemblyParser.Parse(program), CataloguePlatforms.Linux);

    [Fact]
    public void DeadSlotsHoldingAPointerOrANumberMeet()
    {
        string program = Entry + PointerOrNumberSlots() + TwoBuffers + Out;
        var result = Verify(program);
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(VerifierPass.PathExploration, result.Pass);
        // Paths meet after each branch: the exploration grows with the branches, not with 2^14 paths.
        Assert.InRange(result.ExploredInstructions, 1, 20 * AssemblyParser.Parse(program).Length);
    }

    [Theory]
    [InlineData("r0 = *(u64 *)(r10 - 32)\nexit\n", "r0.type == number")]
    [InlineData("r9 = r10\nr9 += -32\nr0 = *(u64 *)(r9 + 0)\nexit\n", "r0.type == number")]
    [InlineData("r0 = *(u32 *)(r10 - 32)\nexit\n", "Stack content is not numeric")]
    [InlineData("r2 = r10\nr2 += -32\nr1 = map_by_idx 0\ncall 1\nr0 = 0\nexit\n", "non-numerical value")]
    public void ASlotReadLaterStaysLive(string read, string expected)
    {
        // The same program, but one slot (a pointer on some paths) is read at the end: directly, through a copy of
        // the frame pointer, in part, or by a helper as a map key.
        string program = Entry + PointerOrNumberSlots() + TwoBuffers + read + Out;
        var result = Verify(program);
        Assert.False(result.Passed);
        Assert.Contains(expected, result.PathExplorationFailure);
    }

    /// <summary>A slot holds 0 or <paramref name="far"/> by path; later it is an offset into the checked 8 bytes.</summary>
    private static string OffsetFromSlot(int far) => Entry + PointerOrNumberSlots() +
        $"r8 = r7\nr8 &= 1\n*(u64 *)(r10 - 200) = 0\nif r8 == 0 goto <near>\n*(u64 *)(r10 - 200) = {far}\n<near>:\n" +
        TwoBuffers + "r4 = r2\nr4 += 8\nif r4 > r3 goto <out>\nr9 = *(u64 *)(r10 - 200)\nr2 += r9\nr0 = *(u8 *)(r2 + 0)\n" + Out;

    [Fact]
    public void ASlotWhoseValueIsAnOffsetKeepsItsValue()
    {
        // 0 or 7 within 8 checked bytes: safe on both paths, provable by the path pass (which the two buffers need)
        // only if the slot's value survives its joins.
        var result = Verify(OffsetFromSlot(7));
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(VerifierPass.PathExploration, result.Pass);
    }

    [Fact]
    public void ASlotWhoseValueIsAnOffsetOutOfBoundsOnOnePathIsRefused()
    {
        var result = Verify(OffsetFromSlot(8));
        Assert.False(result.Passed);
        Assert.Contains("packet_size", result.PathExplorationFailure);
    }

    [Fact]
    public void ThirtyTwoBitDifferenceOfPacketPointersIsTheirOffsetsDifference()
    {
        // w4 = (u32)(data + 14) - (u32)data = 14: a number, exact, usable as an offset within the checked 15 bytes.
        var result = Verify(Entry + "r4 = r2\nr4 += 14\nw4 -= w2\nr5 = r2\nr5 += 15\nif r5 > r3 goto <out>\nr5 = r2\nr5 += r4\nr0 = *(u8 *)(r5 + 0)\n" + Out);
        Assert.True(result.Passed, result.ToString());
    }

    [Theory]
    [InlineData("w2 -= w6\nr0 = r2\nexit\n")]              // packet - context
    [InlineData("w2 -= w7\nr0 = r2\nexit\n")]              // packet - number: part of an address
    [InlineData("w7 -= w2\nr0 = r7\nexit\n")]              // number - packet
    [InlineData("w6 -= w10\nr0 = r6\nexit\n")]             // context - stack
    public void ThirtyTwoBitDifferenceAcrossRegionsIsRefused(string tail)
    {
        var result = Verify(Entry + tail);
        Assert.False(result.Passed);
        Assert.Contains(result.Errors, e => e.Message.Contains("Invalid type", StringComparison.Ordinal));
    }

    [Fact]
    public void ThirtyTwoBitDifferenceOfTwoMapValuesIsRefused()
    {
        // Two lookups may return values at unrelated addresses: their difference would reveal them.
        const string lookup = "r2 = r10\nr2 += -4\nr1 = map_by_idx 0\ncall 1\nif r0 == 0 goto <out>\n";
        var result = Verify("*(u32 *)(r10 - 4) = 0\n" + lookup + "r6 = r0\n" + lookup + "w6 -= w0\nr0 = r6\nexit\n" + Out);
        Assert.False(result.Passed);
    }

    /// <summary>
    /// fp-200 starts at 0; branch i adds <paramref name="step"/>(i) to it on one side. Then the two buffers (the path
    /// pass is needed), then <paramref name="tail"/>, which reads fp-200.
    /// </summary>
    private static string SumInSlot(Func<int, int> step, string tail)
    {
        var sb = new StringBuilder(Entry + "*(u64 *)(r10 - 200) = 0\n");
        for (int i = 0; i < Branches; i++)
        {
            sb.Append($"r8 = r7\nr8 &= {1 << i}\nif r8 == 0 goto <s{i}>\n");
            sb.Append($"r9 = *(u64 *)(r10 - 200)\nr9 += {step(i)}\n*(u64 *)(r10 - 200) = r9\n<s{i}>:\n");
        }
        return sb.Append(TwoBuffers).Append(tail).Append(Out).ToString();
    }

    /// <summary>bpf_redirect(ifindex = fp-200, flags = 0): both arguments are "anything" numbers.</summary>
    private const string RedirectToSum = "r1 = *(u64 *)(r10 - 200)\nr2 = 0\ncall 23\n";

    /// <summary>bpf_csum_diff(from = fp-64, from_size = fp-200, NULL, 0, seed 0) over <paramref name="written"/> written bytes.</summary>
    private static string CsumDiffOfSum(int written)
    {
        var sb = new StringBuilder();
        for (int o = 64; o > 64 - written; o -= 8) sb.Append($"*(u64 *)(r10 - {o}) = 0\n");
        return sb.Append("r1 = r10\nr1 += -64\nr2 = *(u64 *)(r10 - 200)\nr3 = 0\nr4 = 0\nr5 = 0\ncall 28\n").ToString();
    }

    [Fact]
    public void AnAnythingArgumentsValueDecidesNothing()
    {
        // 2^14 distinct sums, each only an ifindex: paths meet at every join once the value is forgotten (as the
        // kernel leaves ARG_ANYTHING imprecise); kept, they would be 2^14 states.
        string program = SumInSlot(i => 1 << i, RedirectToSum);
        var result = Verify(program);
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(VerifierPass.PathExploration, result.Pass);
        Assert.InRange(result.ExploredInstructions, 1, 20 * AssemblyParser.Parse(program).Length);
    }

    [Fact]
    public void AnAnythingArgumentKeepsItsType()
    {
        // One path puts the context pointer in fp-200: forgetting values keeps types, so the leak is refused.
        string program = SumInSlot(i => 1 << i, "r8 = r7\nr8 &= 1\nif r8 == 0 goto <ptr>\n*(u64 *)(r10 - 200) = r6\n<ptr>:\n" + RedirectToSum);
        var result = Verify(program);
        Assert.False(result.Passed);
        Assert.Contains("r1.type == number", result.PathExplorationFailure);
    }

    [Fact]
    public void ASizeArgumentKeepsItsValue()
    {
        // The sum (4 bytes per branch taken, at most 56) is a size: within the 64 written bytes on every path, which
        // the path pass proves only if the value survives the joins.
        var result = Verify(SumInSlot(_ => 4, CsumDiffOfSum(64)));
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(VerifierPass.PathExploration, result.Pass);
    }

    [Fact]
    public void ASizeArgumentBeyondTheWrittenBytesOnOnePathIsRefused()
    {
        // Only 48 bytes written: the path that takes every branch reads 56.
        var result = Verify(SumInSlot(_ => 4, CsumDiffOfSum(48)));
        Assert.False(result.Passed);
        Assert.Contains("Stack content is not numeric", result.PathExplorationFailure);
    }
}
