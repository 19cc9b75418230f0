using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Tracing;

namespace Ebpf.Runtime.Programs;

/// <summary>
/// A loaded, verified program. It keeps what it was verified against (<see cref="VerifiedAgainst"/>, hashed in
/// <see cref="ProgramInformationHash"/>) and is bound to the provider that currently serves its type; while no
/// provider serves it, invocations return <see cref="EbpfResult.ExtensionFailedToLoad"/> and the program stays.
/// </summary>
public sealed class EbpfProgram : IProgramReference
{
    private static uint s_nextId;
    private volatile ProgramBinding? _binding;

    /// <summary>
    /// The binding's <see cref="ProgramBinding.Unscoped"/> entry, kept here so that an invocation reaches the code in one
    /// load. Written after <see cref="_binding"/>: a racing invocation may still run the previous entry once, which is
    /// harmless, as such code reads only its context and its return value is what the previous binding would return.
    /// </summary>
    private volatile Jit.JitEntry? _callerFrameEntry;

    /// <param name="executable">The code the executor runs: <paramref name="request"/>'s, with context loads
    /// rewritten where the provider's real context differs from the verified one.</param>
    /// <param name="implementationOf">The implementation a helper id binds to at load.</param>
    internal EbpfProgram(ProgramLoadRequest request, ImmutableArray<Instruction> executable, ProgramInformation verifiedAgainst,
        string providerName, ImmutableArray<uint> calledHelperIds, byte[] hash, EpochManager epochs,
        Func<uint, HelperFunction?> implementationOf)
    {
        Id = Interlocked.Increment(ref s_nextId);
        Name = request.Name;
        Section = request.Section;
        ProgramType = request.ProgramType;
        ExpectedAttachType = request.ExpectedAttachType;
        Instructions = request.Instructions;
        ExecutableInstructions = executable;
        Engine = request.Engine;
        Mode = request.Mode;
        Verified = !request.Unverified;
        InstructionBudget = request.InstructionBudget;
        WideImmediates = request.WideImmediates;
        Native = request.Native;
        VerifiedAgainst = verifiedAgainst;
        ProviderName = providerName;
        CalledHelperIds = calledHelperIds;
        ProgramInformationHash = hash;
        Epochs = epochs;
        RequiresProcessorSlot = ProcessorSlotRequirement.IsRequired(request, calledHelperIds, verifiedAgainst.Abi, implementationOf);
        MayTailCall = calledHelperIds.Contains(verifiedAgainst.Abi.TailCallHelperId) || request.Instructions.Any(insn => insn.Opcode == OpCodes.CallX);
        NeedsInvocationScope = RequiresProcessorSlot || MayTailCall || !calledHelperIds.IsEmpty || ReferencesRuntimeMemory(request.Instructions);
        // Initialized before any invocation is compiled: the JIT then reads the instruments as constants (no class-init check).
        _ = RuntimeMetrics.Meter;
    }

    /// <summary>An lddw other than a plain constant: a map, a map value, a function or a kernel symbol (memory the runtime frees).</summary>
    private static bool ReferencesRuntimeMemory(ImmutableArray<Instruction> code)
    {
        for (int pc = 0; pc < code.Length; pc++)
        {
            if (code[pc].Opcode != OpCodes.LdDw) continue;
            if (code[pc].Src != PseudoSource.Imm64) return true;
            pc++; // the second slot of lddw
        }
        return false;
    }

    public uint Id { get; }
    public string Name { get; }
    public string Section { get; }
    public Guid ProgramType { get; }
    public Guid? ExpectedAttachType { get; }
    /// <summary>The program as loaded and verified (and hashed).</summary>
    public ImmutableArray<Instruction> Instructions { get; }

    /// <summary>What the executor runs: <see cref="Instructions"/>, context loads mapped onto the real context where they differ.</summary>
    public ImmutableArray<Instruction> ExecutableInstructions { get; }
    public ExecutionEngine Engine { get; }

    /// <summary>Checked runs validate every memory access against the invocation's regions.</summary>
    public ExecutionMode Mode { get; }

    /// <summary>The program passed the verifier at load (false for a load asked to skip it).</summary>
    public bool Verified { get; }

    /// <summary>Instructions one run may execute; 0 means unlimited.</summary>
    public long InstructionBudget { get; }
    internal WideImmediateResolver? WideImmediates { get; }
    internal EpochManager Epochs { get; }

    /// <summary>The program information the verifier and the hash used.</summary>
    public ProgramInformation VerifiedAgainst { get; }

    public string ProgramTypeName => VerifiedAgainst.Descriptor.Name;

    /// <summary>Name of the provider the program was loaded against.</summary>
    public string ProviderName { get; }

    /// <summary>
    /// Invocations lease a processor slot (<see cref="ProcessorSlots"/>): decided at load, true when a helper the
    /// program calls or a map it references is per-CPU aware (see <see cref="ProcessorSlotRequirement"/>).
    /// </summary>
    public bool RequiresProcessorSlot { get; }

    /// <summary>The program calls bpf_tail_call, or callx (whose register may name it).</summary>
    internal bool MayTailCall { get; }

    /// <summary>
    /// Invocations enter an epoch and take this thread's invocation state: decided at load, false only for a program
    /// that calls nothing (no helper, no callx, no tail call) and references no runtime memory (no map, map value,
    /// function or kernel symbol). Such a program reads its context and stack alone, which nothing can free under it.
    /// </summary>
    public bool NeedsInvocationScope { get; }

    /// <summary>Distinct helper ids the program calls, ascending.</summary>
    public ImmutableArray<uint> CalledHelperIds { get; }

    /// <summary>SHA-256 program-information hash, computed at load from <see cref="VerifiedAgainst"/>.</summary>
    public byte[] ProgramInformationHash { get; }

    public string ProgramInformationHashHex => Platform.ProgramInformationHash.ToHex(ProgramInformationHash);

    /// <summary>True while a provider serves this program's type and its information matched.</summary>
    public bool IsBound => _binding is not null;

    /// <summary>What runs the program while it is bound (JIT or interpreter); for diagnostics such as how the .NET JIT compiled it.</summary>
    public IProgramExecutor? Executor => _binding?.Executor;

    /// <summary>Why the last re-bind was refused (e.g. a hash mismatch); null when it was not.</summary>
    public string? LastBindError { get; internal set; }

    internal ProgramBinding? Binding => _binding;

    internal void SetBinding(ProgramBinding? binding)
    {
        _binding = binding;
        _callerFrameEntry = binding?.Unscoped;
        Interlocked.Increment(ref s_bindingGeneration);
    }

    private static int s_bindingGeneration;

    /// <summary>Changes whenever any program's binding does: caches of bound executors (program arrays') compare it.</summary>
    internal static int BindingGeneration => Volatile.Read(ref s_bindingGeneration);

    /// <summary>The last executor built for this program and what it was built from (reused on identical re-binds).</summary>
    internal CachedExecutor? CachedExecutor { get; set; }

    /// <summary>The native module code the program runs, when it was loaded from a module; null for an object's program.</summary>
    public Native.NativeProgramCode? Native { get; }

    /// <summary>Runs the program on <paramref name="context"/> (r1), following tail calls.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe InvocationResult Invoke(void* context) => Invoke(context, default);

    /// <summary>Runs the program; <paramref name="regions"/> are the memory a checked run may touch.</summary>
    public unsafe InvocationResult Invoke(void* context, ReadOnlySpan<MemoryRegion> regions, ulong r2 = 0)
    {
        // A compiled program that needs no scope (see NeedsInvocationScope) and no stack runs from this frame: no
        // epoch, no thread state, no try/finally. Recorded runs take the scoped path, which times them.
        if (_callerFrameEntry is { } compiled && !RuntimeMetrics.Enabled)
            return new InvocationResult(EbpfResult.Success, Jit.JitExecutor.RunInCallerFrame(compiled, (ulong)context, r2));
        return InvokeScoped(context, regions, r2);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private unsafe InvocationResult InvokeScoped(void* context, ReadOnlySpan<MemoryRegion> regions, ulong r2)
    {
        var state = EnterInvocation(out var participant);
        try
        {
            var binding = _binding;
            if (binding is null) return Unavailable();
            long start = RuntimeMetrics.Enabled ? Stopwatch.GetTimestamp() : 0;
            state.Program = this;
            var request = new ExecutionRequest { R1 = (ulong)context, R2 = r2, Regions = regions, HelperState = state, LeasedSlotPlusOne = state.LeasedProcessor + 1 };
            ulong r0 = binding.Jit is { } jit ? jit.Run(request) : binding.Executor.Run(request);
            if (state.PendingTailCall is not null)
            {
                var followed = RunTailCalls(state, request, ref r0);
                if (followed != EbpfResult.Success) return new InvocationResult(followed, 0);
            }
            if (start != 0)
                RuntimeMetrics.RecordInvocation(Name, ProgramTypeName, RuntimeMetrics.NanosecondsSince(start));
            return new InvocationResult(EbpfResult.Success, r0);
        }
        finally
        {
            ExitInvocation(state, participant);
        }
    }

    /// <summary>
    /// Takes this thread's invocation state and enters the epoch, which keeps map values (and a replaced binding's
    /// executor) alive while the program runs; leases a processor slot only for a program with per-CPU aware helpers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private InvocationState EnterInvocation(out EpochParticipant participant)
    {
        var state = InvocationState.Rent();
        participant = state.ParticipantOf(Epochs);
        Epochs.Enter(participant);
        if (RequiresProcessorSlot) state.LeasedProcessor = ProcessorSlots.Acquire();
        return state;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExitInvocation(InvocationState state, EpochParticipant participant)
    {
        if (state.LeasedProcessor != InvocationState.NoProcessor) ProcessorSlots.Release();
        EpochManager.Exit(participant);
        InvocationState.Return(state);
    }

    private InvocationResult Unavailable()
    {
        RuntimeMetrics.ExtensionUnavailable.Add(1, new KeyValuePair<string, object?>("program", Name));
        return new InvocationResult(EbpfResult.ExtensionFailedToLoad, 0);
    }

    /// <summary>
    /// A test run's repeat loop: runs the program <paramref name="count"/> times on <paramref name="context"/>, each
    /// run starting afresh (its own tail calls), and returns the last result. As the kernel's BPF_PROG_TEST_RUN holds
    /// RCU and disables migration across its loop, the epoch, invocation state and processor slot are taken once per
    /// batch of runs (and left between batches, so reclamation is never held up for long). With metrics on, every
    /// run is an ordinary invocation, so each is recorded.
    /// </summary>
    public unsafe InvocationResult InvokeRepeated(void* context, ReadOnlySpan<MemoryRegion> regions, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var result = default(InvocationResult);
        for (int done = 0; done < count; done += RepeatBatch)
        {
            int runs = Math.Min(RepeatBatch, count - done);
            if (RuntimeMetrics.Enabled)
            {
                for (int i = 0; i < runs; i++) result = Invoke(context, regions);
            }
            else
            {
                result = InvokeBatch(context, regions, runs);
            }
            if (!result.Ran) return result;
        }
        return result;
    }

    /// <summary>Runs per invocation scope in <see cref="InvokeRepeated"/>.</summary>
    private const int RepeatBatch = 4096;

    [SkipLocalsInit]
    private unsafe InvocationResult InvokeBatch(void* context, ReadOnlySpan<MemoryRegion> regions, int runs)
    {
        var state = EnterInvocation(out var participant);
        try
        {
            var binding = _binding;
            if (binding is null) return Unavailable();
            var request = new ExecutionRequest { R1 = (ulong)context, Regions = regions, HelperState = state, LeasedSlotPlusOne = state.LeasedProcessor + 1 };
            if (!MayTailCall)
            {
                state.Program = this;
                return new InvocationResult(EbpfResult.Success, binding.Executor.RunRepeated(request, runs));
            }
            // Compiled code that tail-calls gets its stack once for all runs (it enters its targets on that stack).
            var jit = binding.Jit is { RunsOnCallerStack: true } compiled ? compiled : null;
            byte* stack = stackalloc byte[jit?.StackBytes ?? 1];
            ulong top = jit is null ? 0 : (ulong)(stack + jit.StackBytes);
            ulong r0 = 0;
            for (int run = 0; run < runs; run++)
            {
                state.Program = this;
                state.PendingTailCall = null;
                state.TailCallCount = 0;
                r0 = jit is not null ? jit.RunFollowingTailCalls(request, top) : binding.Executor.Run(request);
                if (state.PendingTailCall is null) continue;
                var followed = RunTailCalls(state, request, ref r0);
                if (followed != EbpfResult.Success) return new InvocationResult(followed, 0);
            }
            return new InvocationResult(EbpfResult.Success, r0);
        }
        finally
        {
            ExitInvocation(state, participant);
        }
    }

    /// <summary>Runs the tail calls the executor left pending (targets it could not enter itself).</summary>
    private static EbpfResult RunTailCalls(InvocationState state, in ExecutionRequest request, ref ulong r0)
    {
        while (state.PendingTailCall is { } next)
        {
            state.PendingTailCall = null;
            var nextBinding = next._binding;
            if (nextBinding is null) return EbpfResult.ExtensionFailedToLoad;
            state.Program = next;
            r0 = nextBinding.Executor.Run(request);
        }
        return EbpfResult.Success;
    }

    public override string ToString() => $"{Name} ({Section}, {ProgramTypeName})";
}
