using System.Collections.Immutable;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests;

/// <summary>The public API on small programs: verdicts, messages that name the instruction, loop bounds, options.</summary>
public sealed class VerifierApiTests
{
    private static readonly MapDescriptor HashMap = new(1, MapValueKind.Data, 4, 16, 8);
    private static readonly IVerifierPlatform Xdp = new LinuxPlatform(LinuxPlatform.Xdp, [HashMap]);

    private static VerificationResult Verify(string text, VerifierOptions? options = null, IVerifierPlatform? platform = null) =>
        Verifier.Verify(AssemblyParser.Parse(text), platform ?? Xdp, options);

    private const string PacketPrologue = """
        r2 = *(u32 *)(r1 + 0)
        r3 = *(u32 *)(r1 + 4)
        r4 = r2
        r4 += 14
        """;

    [Fact]
    public void PacketAccessAfterBoundsCheckPasses()
    {
        var result = Verify(PacketPrologue + "\n" + """
            if r4 > r3 goto <out>
            r0 = *(u16 *)(r2 + 12)
            exit
            <out>:
            r0 = 0
            exit
            """);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void MapValueFromMapsOfDifferentSizesKeepsItsRoomThroughAJoinAndASpill()
    {
        // Offset 0 into a 6-byte value on one path, offset 32 into a 40-byte value on the other, joined and spilled:
        // bytes [2, 6) past the pointer fit both; [4, 8) does not fit the small one.
        var platform = new LinuxPlatform(LinuxPlatform.Xdp,
            [new MapDescriptor(1, MapValueKind.Data, 4, 6, 8), new MapDescriptor(1, MapValueKind.Data, 4, 40, 8)]);
        const string program = """
            r6 = r1
            *(u32 *)(r10 - 4) = 0
            r7 = *(u32 *)(r6 + 12)
            r2 = r10
            r2 += -4
            if r7 == 0 goto <small>
            r1 = map_fd 1
            call 1
            if r0 == 0 goto <out>
            r0 += 32
            goto <join>
            <small>:
            r1 = map_fd 0
            call 1
            if r0 == 0 goto <out>
            <join>:
            *(u64 *)(r10 - 16) = r0
            r2 = *(u64 *)(r10 - 16)
            r0 = *(u32 *)(r2 + 2)
            exit
            <out>:
            r0 = 0
            exit
            """;
        var fits = Verify(program, platform: platform);
        Assert.True(fits.Passed, fits.ToString());
        var beyond = Verify(program.Replace("(r2 + 2)", "(r2 + 4)", StringComparison.Ordinal), platform: platform);
        Assert.Contains(beyond.Errors, e => e.Message.Contains("shared_region_size", StringComparison.Ordinal));
    }

    [Fact]
    public void PointerOfTwoKindsIsCheckedWithEachKindsOwnOffset()
    {
        // r3 is a stack slot (r10 - 8) on one path and a 16-byte map value (offset 0) on the other: an 8-byte read
        // at r3 fits both, although the offsets joined span [0, 4088]; one at r3 + 8 leaves the stack.
        const string program = """
            r6 = r1
            *(u64 *)(r10 - 8) = 0
            *(u32 *)(r10 - 12) = 0
            r2 = r10
            r2 += -12
            r1 = map_fd 0
            call 1
            if r0 == 0 goto <out>
            r3 = r10
            r3 += -8
            r4 = *(u32 *)(r6 + 12)
            if r4 == 0 goto <use>
            r3 = r0
            <use>:
            r0 = *(u64 *)(r3 + 0)
            exit
            <out>:
            r0 = 0
            exit
            """;
        var both = Verify(program);
        Assert.True(both.Passed, both.ToString());
        var beyond = Verify(program.Replace("(r3 + 0)", "(r3 + 8)", StringComparison.Ordinal));
        Assert.Contains(beyond.Errors, e => e.Index == 13 && e.Message.Contains("total_stack_size", StringComparison.Ordinal));
        Assert.DoesNotContain(beyond.Errors, e => e.Message.Contains("shared_region_size", StringComparison.Ordinal));
    }

    [Fact]
    public void PointerOrNullKeepsWhatHeldForThePointerAfterItsNullCheck()
    {
        // p = (data_end - data >= 14) ? data : 0; if (p) read p[12..13]: the join of a null number and a checked
        // packet pointer, narrowed again by the null test, must give back the pointer, its offset and the check.
        const string program = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r3 -= r2
            r7 = 0
            if r3 s< 14 goto <join>
            r7 = r2
            <join>:
            if r7 == 0 goto <out>
            r0 = *(u16 *)(r7 + 12)
            exit
            <out>:
            r0 = 0
            exit
            """;
        var inside = Verify(program);
        Assert.True(inside.Passed, inside.ToString());
        var beyond = Verify(program.Replace("(r7 + 12)", "(r7 + 13)", StringComparison.Ordinal));
        Assert.Contains(beyond.Errors, e => e.Index == 7 && e.Message.Contains("packet_size", StringComparison.Ordinal));
        // A number that may be other than 0 stays a number after the test: the read is refused.
        var maybeNumber = Verify(program.Replace("r7 = 0", "r7 = 5", StringComparison.Ordinal));
        Assert.Contains(maybeNumber.Errors, e => e.Index == 7);
    }

    [Fact]
    public void SpilledPacketEndKeepsItsRelationToThePacketSize()
    {
        // data and data_end go through the stack (as clang spills them); the check on the reloaded copies bounds
        // the packet, so a third copy of data may read below the checked length, and not at or beyond it.
        const string program = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            *(u64 *)(r10 - 8) = r2
            *(u64 *)(r10 - 16) = r3
            r4 = *(u64 *)(r10 - 8)
            r4 += 14
            r5 = *(u64 *)(r10 - 16)
            if r4 > r5 goto <out>
            r6 = *(u64 *)(r10 - 8)
            r0 = *(u8 *)(r6 + 13)
            exit
            <out>:
            r0 = 0
            exit
            """;
        var inside = Verify(program);
        Assert.True(inside.Passed, inside.ToString());
        var beyond = Verify(program.Replace("(r6 + 13)", "(r6 + 14)", StringComparison.Ordinal));
        Assert.Contains(beyond.Errors, e => e.Index == 9 && e.Message.Contains("packet_size", StringComparison.Ordinal));
    }

    [Fact]
    public void PacketAccessBeyondCheckedLengthFailsAtTheInstruction()
    {
        var result = Verify(PacketPrologue + "\n" + """
            if r4 > r3 goto <out>
            r0 = *(u16 *)(r2 + 13)
            exit
            <out>:
            r0 = 0
            exit
            """);
        var error = Assert.Single(result.Errors);
        Assert.Equal(5, error.Index);
        Assert.Contains("packet_size", error.Message);
        Assert.Equal("r0 = *(u16 *)(r2 + 13)", error.Instruction);
        Assert.Contains("r2.type=packet", error.RegisterState);
    }

    [Fact]
    public void MapValueNeedsANullCheck()
    {
        const string lookup = """
            *(u32 *)(r10 - 4) = 0
            r2 = r10
            r2 += -4
            r1 = map_fd 0
            call 1
            """;
        var unchecked_ = Verify(lookup + "\n" + """
            r0 = *(u64 *)(r0 + 8)
            exit
            """);
        Assert.Contains(unchecked_.Errors, e => e.Index == 5 && e.Message.StartsWith("Possible null access", StringComparison.Ordinal));
        var checked_ = Verify(lookup + "\n" + """
            if r0 == 0 goto <out>
            r0 = *(u64 *)(r0 + 8)
            <out>:
            exit
            """);
        Assert.True(checked_.Passed, checked_.ToString());
        var beyond = Verify(lookup + "\n" + """
            if r0 == 0 goto <out>
            r0 = *(u64 *)(r0 + 9)
            <out>:
            exit
            """);
        Assert.Contains(beyond.Errors, e => e.Message.Contains("shared_region_size", StringComparison.Ordinal));
    }

    [Fact]
    public void PointersSpilledToTheStackKeepTheirType()
    {
        var result = Verify("""
            *(u64 *)(r10 - 8) = r1
            r6 = *(u64 *)(r10 - 8)
            r0 = *(u32 *)(r6 + 16)
            exit
            """);
        Assert.True(result.Passed, result.ToString());
        var partial = Verify("""
            *(u64 *)(r10 - 8) = r1
            r6 = *(u32 *)(r10 - 8)
            r0 = 0
            exit
            """);
        Assert.Contains(partial.Errors, e => e.Index == 1 && e.Message.StartsWith("Stack content is not numeric", StringComparison.Ordinal));
    }

    [Fact]
    public void BoundedLoopReportsItsBoundAndInfiniteLoopFails()
    {
        var bounded = Verify("""
            r0 = 0
            <loop>:
            r0 += 1
            if r0 < 10 goto <loop>
            exit
            """);
        Assert.True(bounded.Passed, bounded.ToString());
        Assert.Equal(1, bounded.LoopCount);
        Assert.InRange(bounded.MaxLoopIterations!.Value, 10, 11);
        var infinite = Verify("""
            r0 = 0
            <loop>:
            r0 += 2
            if r0 != 9 goto <loop>
            exit
            """);
        Assert.Contains(infinite.Errors, e => e.Message.StartsWith("Loop counter is too large", StringComparison.Ordinal));
    }

    [Fact]
    public void LoopExitingOnEqualityIsBoundedAndIndexesTheStackInBounds()
    {
        // `for (i = 0; i != 16; i++) buf[i] = 0;` as clang emits it: the store precedes the `== 16` exit test, so only
        // the invariant i <= 15 at the head keeps the store inside the 16-byte buffer.
        const string loop = """
            r3 = 0
            <loop>:
            r5 = r10
            r5 += -16
            r5 += r3
            *(u8 *)(r5 + 0) = 0
            r3 += 1
            if r3 == 16 goto <out>
            goto <loop>
            <out>:
            r0 = 0
            exit
            """;
        var bounded = Verify(loop);
        Assert.True(bounded.Passed, bounded.ToString());
        Assert.InRange(bounded.MaxLoopIterations!.Value, 16, 17);
        // One byte further (17 iterations over 16 bytes) writes r10 + 0: the same analysis must refuse it.
        var overrun = Verify(loop.Replace("== 16", "== 17", StringComparison.Ordinal));
        Assert.Contains(overrun.Errors, e => e.Index == 4 && e.Message.Contains("total_stack_size", StringComparison.Ordinal));
    }

    [Fact]
    public void HelperThatMovesThePacketForgetsItsCheckedSize()
    {
        // bpf_xdp_adjust_head may shrink the packet: the 14 bytes checked before the call are not there any more.
        const string program = """
            r6 = r1
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = r2
            r4 += 14
            if r4 > r3 goto <out>
            r1 = r6
            r2 = 8
            call 44
            r2 = *(u32 *)(r6 + 0)
            r0 = *(u8 *)(r2 + 0)
            exit
            <out>:
            r0 = 0
            exit
            """;
        var result = Verify(program);
        var error = Assert.Single(result.Errors);
        Assert.Equal(10, error.Index);
        Assert.Contains("packet_size", error.Message);
        // Checking again after the call is what makes the access safe.
        var rechecked = Verify(program.Replace("r0 = *(u8 *)(r2 + 0)", """
            r3 = *(u32 *)(r6 + 4)
            r4 = r2
            r4 += 1
            if r4 > r3 goto <out>
            r0 = *(u8 *)(r2 + 0)
            """, StringComparison.Ordinal));
        Assert.True(rechecked.Passed, rechecked.ToString());
    }

    [Fact]
    public void GlobalFunctionStartsFromItsPrototypesArguments()
    {
        // f(struct { u64 a, b; } *p, u32 n, struct xdp_md *ctx): p may be null, 16 bytes; n any number; ctx the context.
        var options = VerifierOptions.Default with
        {
            EntryArguments = [FunctionArgument.Memory(16), FunctionArgument.Number, FunctionArgument.Context],
        };
        var unchecked_ = Verify("r0 = *(u64 *)(r1 + 8)\nexit", options);
        Assert.Contains(unchecked_.Errors, e => e.Index == 0 && e.Message.StartsWith("Possible null access", StringComparison.Ordinal));
        const string checkedRead = """
            r0 = 0
            if r1 == 0 goto <out>
            r0 = *(u64 *)(r1 + 8)
            r0 += r2
            r4 = *(u32 *)(r3 + 12)
            r0 += r4
            <out>:
            exit
            """;
        var ok = Verify(checkedRead, options);
        Assert.True(ok.Passed, ok.ToString());
        var beyond = Verify(checkedRead.Replace("r1 + 8", "r1 + 9", StringComparison.Ordinal), options);
        Assert.Contains(beyond.Errors, e => e.Index == 2 && e.Message.Contains("shared_region_size", StringComparison.Ordinal));
        // Without a prototype r1 is the context and r2, r3 are uninitialized.
        Assert.False(Verify(checkedRead).Passed);
        // A pointer may not be stored into the caller's memory.
        var leak = Verify("if r1 == 0 goto <out>\n*(u64 *)(r1 + 0) = r10\n<out>:\nr0 = 0\nexit", options);
        Assert.Contains(leak.Errors, e => e.Index == 1 && e.Message.StartsWith("Only numbers can be stored", StringComparison.Ordinal));
    }

    [Fact]
    public void CallsToGlobalFunctionsMustPassArgumentsOfTheirPrototype()
    {
        // sub(void *p /* 8 bytes */, u64 n) starts at slot 5 of the linked program (after the caller's 5 slots).
        const string program = """
            *(u64 *)(r10 - 8) = 0
            r1 = r10
            r1 += -8
            r2 = 7
            call <sub>
            <sub>:
            r0 = 0
            exit
            """;
        var options = VerifierOptions.Default with
        {
            GlobalFunctions = new Dictionary<int, ImmutableArray<FunctionArgument>>
            {
                [5] = [FunctionArgument.Memory(8), FunctionArgument.Number],
            },
        };
        var ok = Verify(program, options);
        Assert.True(ok.Passed, ok.ToString());
        var tooSmall = Verify(program.Replace("r1 += -8", "r1 += -4", StringComparison.Ordinal), options);
        Assert.Contains(tooSmall.Errors, e => e.Index == 4 && e.Message.Contains("total_stack_size", StringComparison.Ordinal));
        var nullPointer = Verify(program.Replace("r1 += -8", "r1 = 0", StringComparison.Ordinal), options);
        Assert.True(nullPointer.Passed, nullPointer.ToString());
        var pointerForNumber = Verify(program.Replace("r2 = 7", "r2 = r10", StringComparison.Ordinal), options);
        Assert.Contains(pointerForNumber.Errors, e => e.Index == 4 && e.Message == "Invalid type (r2.type == number)");
        // A field of the context is memory (eBPF for Windows' bindmonitor_bpf2bpf passes &ctx->process_id), within its bounds.
        var contextForMemory = Verify(program.Replace("r1 = r10", "r1 = r1", StringComparison.Ordinal).Replace("r1 += -8", "r1 += 8", StringComparison.Ordinal), options);
        Assert.True(contextForMemory.Passed, contextForMemory.ToString());
        var pastTheContext = Verify(program.Replace("r1 = r10", "r1 = r1", StringComparison.Ordinal).Replace("r1 += -8", "r1 += 20", StringComparison.Ordinal), options);
        Assert.Contains(pastTheContext.Errors, e => e.Index == 4 && e.Message.StartsWith("Upper bound must be at most", StringComparison.Ordinal));
        var mapForMemory = Verify(program.Replace("r1 = r10", "r1 = 0", StringComparison.Ordinal).Replace("r1 += -8", "r1 = 1", StringComparison.Ordinal), options);
        Assert.Contains(mapForMemory.Errors, e => e.Index == 4 && e.Message.StartsWith("Invalid type (r1.type in", StringComparison.Ordinal));
        // Without the prototype the same call is analysed only through the callee's body, which ignores its arguments.
        Assert.True(Verify(program.Replace("r2 = 7", "r2 = r10", StringComparison.Ordinal)).Passed);
    }

    [Fact]
    public void EightByteLoadMayBeNegative()
    {
        // Found by the soundness property: a u64 read was taken as non-negative, so `s< 0` made the path unreachable
        // and the dereference of a number below it went unchecked.
        var result = Verify("""
            r2 = *(u64 *)(r1 + 12)
            if r2 s>= 0 goto <out>
            r0 = *(u8 *)(r2 + 0)
            exit
            <out>:
            r0 = 0
            exit
            """);
        Assert.Contains(result.Errors, e => e.Index == 2 && e.Message.StartsWith("Invalid type (r2.type in", StringComparison.Ordinal));
    }

    [Fact]
    public void UnreachableCodeIsInformationOnly()
    {
        var result = Verify("""
            r0 = 1
            if r0 == 1 goto <out>
            r0 = *(u64 *)(r0 + 0)
            <out>:
            exit
            """);
        Assert.True(result.Passed, result.ToString());
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Information && d.Index == 2);
    }

    [Fact]
    public void ReturningAPointerOrUsingUninitializedRegistersFails()
    {
        Assert.Contains(Verify("r0 = r1\nexit").Errors, e => e.Index == 1 && e.Message.Contains("r0.type == number", StringComparison.Ordinal));
        Assert.Contains(Verify("r0 = r5\nr0 += 1\nexit").Errors, e => e.Index == 1);
    }

    [Fact]
    public void DivisionByZeroIsAnErrorOnlyWhenAskedFor()
    {
        const string program = "r0 = 7\nr2 = *(u32 *)(r1 + 0)\nr0 /= r2\nexit";
        Assert.True(Verify(program, platform: new LinuxPlatform(LinuxPlatform.SocketFilter)).Passed);
        var strict = Verify(program, new VerifierOptions { AllowDivisionByZero = false }, new LinuxPlatform(LinuxPlatform.SocketFilter));
        Assert.Contains(strict.Errors, e => e.Index == 2 && e.Message.StartsWith("Possible division by zero", StringComparison.Ordinal));
    }

    [Fact]
    public void LocalCallsRunInTheirOwnFrame()
    {
        var result = Verify("""
            *(u64 *)(r10 - 8) = 5
            r1 = r10
            r1 += -8
            call <sub>
            exit
            <sub>:
            r0 = *(u64 *)(r1 + 0)
            *(u64 *)(r10 - 8) = r0
            exit
            """);
        Assert.True(result.Passed, result.ToString());
        var recursion = Verify("call <self>\nexit\n<self>:\ncall <self>\nexit");
        Assert.Contains(recursion.Errors, e => e.Message == "illegal recursion");
    }

    [Fact]
    public void VerifiesInstructionSlotsAndReportsInvalidEncodings()
    {
        Instruction[] program =
        [
            new(OpCodes.Mov64Imm, 0, 0, 0, 0),
            new(OpCodes.LdDw, 2, 0, 0, 1), new(0, 0, 0, 0, 2),
            new(OpCodes.Exit, 0, 0, 0, 0),
        ];
        Assert.True(Verifier.Verify(program, Xdp).Passed);
        Instruction[] bad = [new(0xFF, 0, 0, 0, 0), new(OpCodes.Exit, 0, 0, 0, 0)];
        var result = Verifier.Verify(bad, Xdp);
        var error = Assert.Single(result.Errors);
        Assert.Equal(0, error.Index);
        Assert.Contains("0xff", error.Message);
    }

    [Fact]
    public void WindowsProgramInformationSuppliesContextAndHelpers()
    {
        var info = new ProgramInformation(WellKnownProgramTypes.XdpTest);
        Instruction[] program =
        [
            new(OpCodes.Make(OpClass.Ldx, AccessMode.Mem, AccessSize.Double), 2, 1, 0, 0),
            new(OpCodes.Make(OpClass.Ldx, AccessMode.Mem, AccessSize.Double), 3, 1, 8, 0),
            new(OpCodes.Mov64Reg, 4, 2, 0, 0),
            new(OpCodes.Make(OpClass.Alu64, AluOp.Add, false), 4, 0, 0, 1),
            new(OpCodes.Make(OpClass.Jmp, JmpOp.Jgt, true), 4, 3, 2, 0),
            new(OpCodes.Make(OpClass.Ldx, AccessMode.Mem, AccessSize.Byte), 0, 2, 0, 0),
            new(OpCodes.Exit, 0, 0, 0, 0),
            new(OpCodes.Mov64Imm, 0, 0, 0, 0),
            new(OpCodes.Exit, 0, 0, 0, 0),
        ];
        var result = Verifier.Verify(program, info, options: new VerifierOptions { RecordStates = true, SourceLineResolver = i => $"line {i}" });
        Assert.True(result.Passed, result.ToString());
        Assert.Contains("r2.type=packet", result.States[5]);
        var broken = program.ToArray();
        broken[5] = new(OpCodes.Make(OpClass.Ldx, AccessMode.Mem, AccessSize.Half), 0, 2, 0, 0);
        var error = Assert.Single(Verifier.Verify(broken, info, options: new VerifierOptions { SourceLineResolver = i => $"line {i}" }).Errors);
        Assert.Equal("line 5", error.SourceLine);
    }

    /// <summary>Two lookups joined (the result's origin unknown), spilled, filled and null-checked, then filled again.</summary>
    private const string JoinedLookupRefilled = """
        r6 = r1
        *(u32 *)(r10 - 4) = 0
        r7 = *(u32 *)(r6 + 12)
        r2 = r10
        r2 += -4
        if r7 == 0 goto <other>
        r1 = map_fd 0
        call 1
        goto <join>
        <other>:
        r1 = map_fd 1
        call 1
        <join>:
        *(u64 *)(r10 - 16) = r0
        r1 = *(u64 *)(r10 - 16)
        if r1 == 0 goto <out>
        STEP
        r2 = *(u64 *)(r10 - 16)
        r0 = *(u32 *)(r2 + 0)
        exit
        <out>:
        r0 = 0
        exit
        """;

    [Fact]
    public void ANullCheckOfAFilledPointerDecidesItsSpillSlot()
    {
        var platform = new LinuxPlatform(LinuxPlatform.Xdp,
            [new MapDescriptor(1, MapValueKind.Data, 4, 8, 8), new MapDescriptor(1, MapValueKind.Data, 4, 8, 8)]);
        var checkedSlot = Verify(JoinedLookupRefilled.Replace("STEP", "r3 = 0", StringComparison.Ordinal), platform: platform);
        Assert.True(checkedSlot.Passed, checkedSlot.ToString());
        // A new lookup stored into the slot after the check is a new value: its null is not excluded.
        var replaced = Verify(JoinedLookupRefilled.Replace("STEP", """
            r2 = r10
            r2 += -4
            r1 = map_fd 0
            call 1
            *(u64 *)(r10 - 16) = r0
            """, StringComparison.Ordinal), platform: platform);
        Assert.Contains(replaced.Errors, e => e.Message.Contains("null", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("Invalid type", StringComparison.Ordinal));
    }

    [Fact]
    public void AJoinOfTwoProgramArraysDoesNotTakeInTheMapBetween()
    {
        // Maps 0 and 2 are program arrays, map 1 a hash map: a descriptor joined from 0 and 2 is never map 1.
        var platform = new LinuxPlatform(LinuxPlatform.Xdp,
            [new MapDescriptor(3, MapValueKind.Programs, 4, 4, 8), new MapDescriptor(1, MapValueKind.Data, 4, 8, 8),
             new MapDescriptor(3, MapValueKind.Programs, 4, 4, 8)]);
        const string program = """
            r6 = r1
            r7 = *(u32 *)(r6 + 12)
            if r7 == 0 goto <other>
            r2 = map_fd 0
            goto <call>
            <other>:
            r2 = map_fd 2
            <call>:
            r1 = r6
            r3 = 0
            call 12
            r0 = 0
            exit
            """;
        var joined = Verify(program, platform: platform);
        Assert.True(joined.Passed, joined.ToString());
        var withHash = Verify(program.Replace("map_fd 2", "map_fd 1", StringComparison.Ordinal), platform: platform);
        Assert.False(withHash.Passed);
    }
}
