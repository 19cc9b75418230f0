namespace Ebpf.Runtime.Interpretation;

/// <summary>A program cannot be loaded into the interpreter; <see cref="Index"/> is the offending slot.</summary>
public sealed class ProgramLoadException(int index, LoadError reason, string message)
    : Exception($"instruction {index}: {message}")
{
    public int Index { get; } = index;
    public LoadError Reason { get; } = reason;
}
