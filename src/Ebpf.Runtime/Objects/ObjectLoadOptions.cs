using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Objects;

/// <summary>How <see cref="EbpfRuntime.Load(Ebpf.Elf.BpfObject, ObjectLoadOptions?)"/> loads an object's programs.</summary>
public sealed record ObjectLoadOptions
{
    /// <summary>The engine every program runs on.</summary>
    public ExecutionEngine Engine { get; init; } = ExecutionEngine.Interpreter;

    /// <summary>Skip verification (the programs then run unproven; meant for tests and debugging).</summary>
    public bool Unverified { get; init; }

    public static ObjectLoadOptions Default { get; } = new();
}
