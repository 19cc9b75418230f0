using Ebpf.Kernel;
using Ebpf.TestSupport;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;
using Ebpf.Verifier.Tests.Differential;
using Xunit.Abstractions;

namespace Ebpf.Verifier.Tests.References;

/// <summary>
/// Ring buffer records as references (the kernel's reference tracking): reserve returns a record or null of a known
/// constant size; the program must submit or discard each record exactly once, at its start, before it exits, and
/// may not touch it (through any copy) afterwards.
/// </summary>
public class RingBufferReferenceTests(ITestOutputHelper output)
{
    private static readonly MapDescriptor Ring = new(27, MapValueKind.Data, 0, 0, 4096);
    private static readonly MapDescriptor Array = new(2, MapValueKind.Data, 4, 8, 4);
    private static readonly MapDescriptor ProgramArray = new(3, MapValueKind.Programs, 4, 4, 4);

    /// <summary>What each unsafe program of ringbuf.c is refused for here (the first error).</summary>
    public static TheoryData<string, string> Refusals => new()
    {
        { "unsafe_ringbuf_leak", "Unreleased reference: the ring buffer record reserved at instruction" },
        { "unsafe_ringbuf_leak_on_one_path", "Unreleased reference" },
        { "unsafe_ringbuf_no_null_check", "Possible null access" },
        { "unsafe_ringbuf_double_submit", "Use after release: r1 pointed into the ring buffer record reserved at instruction" },
        { "unsafe_ringbuf_use_after_submit", "Use after release" },
        { "unsafe_ringbuf_use_spilled_after_submit", "Stack content is not numeric" },
        { "unsafe_ringbuf_submit_inside", "must point to the start of the record" },
        { "unsafe_ringbuf_submit_map_value", "releases only a record from bpf_ringbuf_reserve" },
        { "unsafe_ringbuf_variable_size", "is not a known constant" },
        { "unsafe_ringbuf_wrong_map", "ringbuf_reserve takes only RINGBUF maps" },
        { "unsafe_ringbuf_past_the_record", "Upper bound must be at most r" },
    };

    private static readonly Lazy<string> Object = new(() => ClangObjects.Compile("ringbuf",
        File.ReadAllText(RepoPaths.RepoPath("tests", "Ebpf.Verifier.Tests", "Differential", "programs", "ringbuf.c")),
        RepoPaths.RepoPath("tests", "Ebpf.Verifier.Tests", "Differential", "programs")));

    [Fact]
    public void EachProgramIsJudgedAsTheKernelJudgesIt()
    {
        bool kernel = KernelBpf.IsAvailable(out string reason);
        if (!kernel) HostKernelReport.Note(output.WriteLine, $"ring buffer references: kernel reference unavailable ({reason}): only our verdicts are checked");
        var verdicts = DifferentialVerdicts.Of(Object.Value, kernel, "ringbuf").ToList();
        foreach (var v in verdicts) output.WriteLine(v.ToString());

        var expectedRefusals = Refusals.Select(r => (string)r[0]).ToHashSet();
        Assert.Equal(16, verdicts.Count);
        foreach (var v in verdicts)
        {
            bool safe = !v.Program.StartsWith("unsafe_", StringComparison.Ordinal);
            Assert.True(safe == v.Ours.Accepted, $"{v.Program}: here {(v.Ours.Accepted ? "accepted" : "refused: " + v.Ours.Detail)}");
            if (!safe) Assert.Contains(v.Program, expectedRefusals);
            if (v.Kernel is { } k) Assert.True(k.Accepted == safe, $"{v.Program}: the kernel {(k.Accepted ? "accepts it" : "refuses it: " + k.Detail)}");
            else if (kernel) HostKernelReport.Note(output.WriteLine, $"ring buffer references: {v.Program} not compared with the kernel ({v.KernelSkipped})");
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void EachUnsafeProgramIsRefusedForItsFault(string program, string refusal)
    {
        var verdict = DifferentialVerdicts.Of(Object.Value, false, "ringbuf").Single(v => v.Program == program);
        Assert.False(verdict.Ours.Accepted);
        Assert.Contains(refusal, verdict.Ours.Detail);
    }

    private static VerificationResult Verify(string body, params MapDescriptor[] maps) =>
        Verifier.Verify(AssemblyParser.Parse(body), new LinuxPlatform(LinuxPlatform.Xdp, maps.Length == 0 ? [Ring] : maps));

    private const string Reserve = """
        r6 = r1
        r1 = map_fd 0
        r2 = 8
        r3 = 0
        call 131

        """;

    [Fact]
    public void ANullCheckOfOneCopyDecidesTheOthers()
    {
        var result = Verify(Reserve + """
            r7 = r0
            if r0 == 0 goto <out>
            *(u64 *)(r7 + 0) = 1
            r1 = r7
            r2 = 0
            call 132
            <out>:
            r0 = 0
            exit
            """);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void ACopyDiesWithTheRelease()
    {
        // r7, a copy, outlives the release in r1; the write through it is refused.
        var result = Verify(Reserve + """
            r7 = r0
            if r0 == 0 goto <out>
            r1 = r0
            r2 = 0
            call 133
            *(u8 *)(r7 + 0) = 1
            <out>:
            r0 = 0
            exit
            """);
        Assert.False(result.Passed);
        Assert.Contains("Use after release: r7", result.Errors.First().Message);
    }

    [Fact]
    public void ARecordMayNotBeReleasedBeforeItsNullCheck()
    {
        var result = Verify(Reserve + """
            r1 = r0
            r2 = 0
            call 132
            r0 = 0
            exit
            """);
        Assert.False(result.Passed);
        Assert.Contains("Possible null access (r1 != 0 for ringbuf_submit", result.Errors.First().Message);
    }

    [Fact]
    public void AReserveAgainWhileTheFirstRecordIsHeldIsALeak()
    {
        var result = Verify("""
            r6 = 0
            <loop>:
            r1 = map_fd 0
            r2 = 8
            r3 = 0
            call 131
            if r0 == 0 goto <out>
            r6 += 1
            if r6 < 2 goto <loop>
            r1 = r0
            r2 = 0
            call 132
            <out>:
            r0 = 0
            exit
            """);
        Assert.False(result.Passed);
        Assert.Contains("Unreleased reference", result.Errors.First().Message);
    }

    [Fact]
    public void ARecordReservedAndReleasedInEachIterationIsAccepted()
    {
        var result = Verify("""
            r6 = 0
            <loop>:
            r1 = map_fd 0
            r2 = 8
            r3 = 0
            call 131
            if r0 == 0 goto <next>
            *(u64 *)(r0 + 0) = r6
            r1 = r0
            r2 = 0
            call 132
            <next>:
            r6 += 1
            if r6 < 4 goto <loop>
            r0 = 0
            exit
            """);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void ATailCallMayNotLeaveARecordHeld()
    {
        var result = Verify("""
            r6 = r1
            r1 = map_fd 0
            r2 = 8
            r3 = 0
            call 131
            if r0 == 0 goto <out>
            r7 = r0
            r1 = r6
            r2 = map_fd 1
            r3 = 0
            call 12
            r1 = r7
            r2 = 0
            call 132
            <out>:
            r0 = 0
            exit
            """, Ring, ProgramArray);
        Assert.False(result.Passed);
        Assert.Contains("would leak a reference", result.Errors.First().Message);
    }

    [Fact]
    public void APointerThatMayBeEitherOfTwoRecordsCannotBeReleased()
    {
        // r8 is the first record on one path and the second on the other: neither release may take it.
        var result = Verify(Reserve + """
            if r0 == 0 goto <out>
            r7 = r0
            r1 = map_fd 0
            r2 = 8
            r3 = 0
            call 131
            if r0 != 0 goto <both>
            r1 = r7
            r2 = 0
            call 133
            goto <out>
            <both>:
            r8 = r7
            r9 = *(u8 *)(r7 + 0)
            if r9 == 0 goto <pick>
            r8 = r0
            <pick>:
            r1 = r8
            r2 = 0
            call 132
            r1 = r7
            r2 = 0
            call 132
            <out>:
            r0 = 0
            exit
            """);
        Assert.False(result.Passed);
        Assert.Matches("may point into more than one record|Use after release", result.Errors.First().Message);
    }

    [Fact]
    public void TheRecordIsWritableExactlyToItsSize()
    {
        string Body(int offset) => Reserve + $$"""
            if r0 == 0 goto <out>
            *(u64 *)(r0 + {{offset}}) = 1
            r1 = r0
            r2 = 0
            call 132
            <out>:
            r0 = 0
            exit
            """;
        Assert.True(Verify(Body(0)).Passed);
        Assert.False(Verify(Body(1)).Passed);
    }

    [Fact]
    public void OnlyARingBufferMapGivesRecords()
    {
        var result = Verify(Reserve + "r0 = 0\nexit", Array);
        Assert.False(result.Passed);
        Assert.Contains("ringbuf_reserve takes only RINGBUF maps", result.Errors.First().Message);
    }
}
