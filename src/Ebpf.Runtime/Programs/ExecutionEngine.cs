namespace Ebpf.Runtime.Programs;

/// <summary>How a loaded program runs. JIT is the default, as in eBPF for Windows; the interpreter stays selectable.</summary>
public enum ExecutionEngine
{
    Jit,
    Interpreter,
}
