namespace Ebpf.Runtime.Interpretation;

/// <summary>A local (bpf-to-bpf) call would exceed the maximum call depth.</summary>
public sealed class CallDepthExceededException(int programCounter, int maxDepth)
    : ProgramExecutionException(programCounter, $"local call exceeds the maximum call depth of {maxDepth} frames")
{
    public int MaxDepth { get; } = maxDepth;
}
