namespace Ebpf.Runtime.Interpretation;

/// <summary>The program executed more instructions than its budget allowed.</summary>
public sealed class InstructionBudgetExceededException(int programCounter, long budget)
    : ProgramExecutionException(programCounter, $"instruction budget of {budget} exhausted")
{
    public long Budget { get; } = budget;
}
