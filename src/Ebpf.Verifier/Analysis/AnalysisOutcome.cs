using Ebpf.Verifier.Domains;

namespace Ebpf.Verifier.Analysis;

/// <summary>The raw results of an analysis, for tests and tools: the state at the program's exits.</summary>
internal sealed class AnalysisOutcome(AbstractState? exitState, VariableLayout layout)
{
    /// <summary>Join of the states at the entry function's exits; null when no exit is reachable.</summary>
    public AbstractState? ExitState { get; } = exitState;
    public VariableLayout Layout { get; } = layout;
}
