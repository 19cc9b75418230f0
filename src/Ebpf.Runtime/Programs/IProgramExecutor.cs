using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Programs;

/// <summary>A program made runnable with one resolved helper table: the interpreter or JIT-compiled code.</summary>
public interface IProgramExecutor
{
    ulong Run(in ExecutionRequest request);

    /// <summary>
    /// Runs <paramref name="count"/> times on one request, each run as <see cref="Run"/> would do it, and returns the
    /// last r0: a test run's repeat loop. Only for a program that cannot tail call (each tail call chain needs its
    /// invoker's count reset between runs); an executor may set up what every run needs (stack, helper context) once.
    /// </summary>
    ulong RunRepeated(in ExecutionRequest request, int count)
    {
        ulong r0 = 0;
        for (int i = 0; i < count; i++) r0 = Run(request);
        return r0;
    }
}
