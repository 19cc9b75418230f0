namespace Ebpf.Runtime.Objects;

/// <summary>
/// The outputs of a test run: the program's result (r0) of the last run, the context and the packet as the program
/// left them, and the average run time in nanoseconds.
/// </summary>
public sealed record TestRunResult(ulong R0, byte[] DataOut, byte[] ContextOut, ulong DurationNanoseconds, int Repeat)
{
    /// <summary>libbpf's <c>retval</c>: the low 32 bits of r0.</summary>
    public uint ReturnValue => (uint)R0;
}
