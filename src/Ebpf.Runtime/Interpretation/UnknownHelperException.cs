namespace Ebpf.Runtime.Interpretation;

/// <summary>callx named a helper id that is not in the helper table.</summary>
public sealed class UnknownHelperException(int programCounter, ulong helperId)
    : ProgramExecutionException(programCounter, $"call to unknown helper {helperId}")
{
    public ulong HelperId { get; } = helperId;
}
