namespace Ebpf.Runtime.Interpretation;

/// <summary>A running program was stopped; <see cref="ProgramCounter"/> is the slot index of the faulting instruction.</summary>
public abstract class ProgramExecutionException : Exception
{
    protected ProgramExecutionException(int programCounter, string message) : base($"pc {programCounter}: {message}") =>
        ProgramCounter = programCounter;

    public int ProgramCounter { get; }
}
