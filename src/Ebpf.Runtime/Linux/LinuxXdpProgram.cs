using Ebpf.Isa;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Linux;

/// <summary>One program of a <see cref="LinuxXdpObject"/>: its context-rewritten code and the executor built from it.</summary>
public sealed class LinuxXdpProgram(string name, string section, Instruction[] instructions, IProgramExecutor executor, TimeSpan compileTime)
{
    public string Name { get; } = name;
    public string Section { get; } = section;
    public ReadOnlyMemory<Instruction> Instructions { get; } = instructions;
    public IProgramExecutor Executor { get; } = executor;

    /// <summary>The code calls bpf_tail_call, or callx (whose register may name it).</summary>
    public bool MayTailCall { get; } = instructions.Any(insn => insn.Opcode == OpCodes.CallX ||
        insn.Opcode == OpCodes.Call && insn.Src == PseudoSource.HelperCall && insn.Imm == LinuxHelperIds.TailCall);

    /// <summary>The executor when other compiled programs may enter its code directly on a tail call (unchecked JIT).</summary>
    internal JitExecutor? DirectTailCallTarget { get; } = executor is JitExecutor { DirectTailCallEntry: not null } jit ? jit : null;

    /// <summary>Time to rewrite and compile (JIT) or prepare (interpreter) the program.</summary>
    public TimeSpan CompileTime { get; } = compileTime;

    public override string ToString() => $"{Name} ({Section})";
}
