using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.TestSupport;
using Ebpf.Verifier.Platforms;
using Ebpf.Verifier.Tests.Corpus;

namespace Ebpf.Verifier.Tests;

/// <summary>
/// bpf_loop and bpf_for_each_map_elem (Differential/programs/callbacks.c): the callback is verified in the caller's
/// context for any number of calls; each near miss is refused for its own reason. eBPF for Windows has no callback
/// helpers: there a function argument stays refused.
/// </summary>
public class CallbackTests
{
    private static readonly Lazy<(BpfObject Object, string Path)> Callbacks = new(() =>
    {
        string dir = RepoPaths.RepoPath("tests", "Ebpf.Verifier.Tests", "Differential", "programs");
        string path = ClangObjects.Compile("callbacks", File.ReadAllText(Path.Combine(dir, "callbacks.c")), dir);
        return (BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux }), path);
    });

    private static VerificationResult Verify(string name)
    {
        var (obj, path) = Callbacks.Value;
        var program = obj.Programs.Single(p => p.Name == name);
        var platform = LinuxPlatform.ForSection(program.SectionName, path, obj.Maps.Select(CorpusVerification.Describe).ToArray());
        return Verifier.Verify(program.Instructions.AsSpan(), platform);
    }

    [Theory]
    [InlineData("loop_sums_indexes")]
    [InlineData("loop_stops_early")]
    [InlineData("loop_index_bounds_buffer")]
    [InlineData("loop_nested")]
    [InlineData("for_each_array")]
    [InlineData("for_each_hash_stops")]
    public void SafeCallbacksAreAccepted(string name)
    {
        var result = Verify(name);
        Assert.True(result.Passed, result.ToString());
    }

    [Theory]
    [InlineData("unsafe_callback_writes_past_ctx", "total_stack_size")]
    [InlineData("unsafe_callback_returns_two", "Callback must return 0 or 1")]
    [InlineData("unsafe_offset_grows_per_iteration", "total_stack_size")]
    [InlineData("unsafe_callback_writes_key", "Cannot write to a map value programs may only read")]
    [InlineData("unsafe_callback_reads_past_value", "r3.shared_region_size")]
    [InlineData("unsafe_loop_flags", "Flags must be 0")]
    [InlineData("unsafe_loop_count_is_pointer", "r1.type == number")]
    [InlineData("unsafe_callback_is_number", "r2.type == func")]
    [InlineData("unsafe_callback_recursion", "Callback recursion")]
    [InlineData("unsafe_for_each_queue", "for_each_map_elem takes only")]
    public void NearMissesAreRefusedForTheirReason(string name, string reason)
    {
        var result = Verify(name);
        Assert.False(result.Passed, "accepted");
        Assert.Contains(reason, result.Errors.First().Message);
    }

    [Fact]
    public void TheCallbackSeesTheIndexBoundedByTheCount()
    {
        // 16 bytes indexed by the callback's r1: nr_loops 17 would reach past them.
        var (obj, _) = Callbacks.Value;
        var program = obj.Programs.Single(p => p.Name == "loop_index_bounds_buffer");
        var code = program.Instructions.ToArray();
        int call = Array.FindIndex(code, i => i.Opcode == OpCodes.Call && i.Imm == 181);
        int count = Array.FindLastIndex(code, call, i => i.Dst == 1 && i.Opcode == OpCodes.Mov64Imm && i.Imm == 16);
        Assert.True(count >= 0, "r1 = 16 not found before the call");
        var platform = LinuxPlatform.ForSection(program.SectionName);
        Assert.True(Verifier.Verify(code, platform).Passed);
        code[count] = code[count].WithImm(17);
        Assert.False(Verifier.Verify(code, platform).Passed, "nr_loops 17 over a 16-byte buffer was accepted");
    }

    private static readonly Instruction Exit = new(OpCodes.Exit, 0, 0, 0, 0);
    private static readonly Instruction ReturnZero = new(OpCodes.Mov64Imm, 0, 0, 0, 0);

    /// <summary><c>lddw rDst, func</c> naming the slot <paramref name="target"/>, placed at <paramref name="at"/>.</summary>
    private static Instruction[] LoadFunction(byte dst, int at, int target) =>
        [new(OpCodes.LdDw, dst, PseudoSource.Func, 0, target - at - 1), new(0, 0, 0, 0, 0)];

    [Fact]
    public void AFunctionReferenceIsNoNumber()
    {
        var xdp = LinuxPlatform.ForSection("xdp");
        // Returned: a pointer leak.
        Instruction[] returned = [.. LoadFunction(0, 0, 3), Exit, ReturnZero, Exit];
        Assert.Contains("r0.type == number", Verifier.Verify(returned, xdp).Errors.First().Message);
        // Arithmetic on it is refused, as the kernel refuses it on PTR_TO_FUNC.
        Instruction[] moved = [.. LoadFunction(1, 0, 4), new((byte)OpClass.Alu64, 1, 0, 0, 8), ReturnZero, Exit, ReturnZero, Exit];
        Assert.False(Verifier.Verify(moved, xdp).Passed);
    }

    [Theory]
    [InlineData(9, "outside the program")]
    [InlineData(-5, "outside the program")]
    [InlineData(1, "the middle of an lddw")]
    public void AFunctionReferenceMustNameAnInstruction(int target, string reason)
    {
        Instruction[] code = [.. LoadFunction(2, 0, target), ReturnZero, Exit];
        var result = Verifier.Verify(code, LinuxPlatform.ForSection("xdp"));
        Assert.False(result.Passed);
        Assert.Contains(reason, result.Errors.First().Message);
    }

    [Fact]
    public void EbpfForWindowsHasNoCallbackHelpers()
    {
        // bpf_loop's shape, with Windows' helper numbering: a function argument is no argument any of its helpers takes.
        Assert.Equal(CallbackKind.None, ((IVerifierPlatform)new ProgramInformationPlatform(
            new ProgramInformation(WellKnownProgramTypes.Xdp))).CallbackOf(181));
    }
}
