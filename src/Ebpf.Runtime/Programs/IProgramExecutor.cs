using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Programs;

/// <summary>A program made runnable with one resolved helper table: the interpreter or JIT-compiled code.</summary>
public interface IProgramExecutor
{
    ulong Run(in ExecutionRequest request);
}
