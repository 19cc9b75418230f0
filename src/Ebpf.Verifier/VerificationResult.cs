using System.Collections.Immutable;

namespace Ebpf.Verifier;

/// <summary>
/// The outcome of verifying one program: whether it was proven safe, the findings (errors make it fail; information
/// such as unreachable code does not), the loop bound established, and optionally the abstract state before each
/// instruction.
/// </summary>
public sealed class VerificationResult
{
    internal VerificationResult(ImmutableArray<Diagnostic> diagnostics, long? maxLoopIterations, int loopCount,
        ImmutableDictionary<int, string>? states, int analysedBlocks, Analysis.AnalysisOutcome? outcome)
    {
        Diagnostics = diagnostics;
        MaxLoopIterations = maxLoopIterations;
        LoopCount = loopCount;
        States = states ?? ImmutableDictionary<int, string>.Empty;
        AnalysedBlocks = analysedBlocks;
        Outcome = outcome;
    }

    public bool Passed => !Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
    public ImmutableArray<Diagnostic> Diagnostics { get; }
    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>
    /// The largest number of times any loop head can be entered, when termination was checked and the program has
    /// loops; 0 for a loop-free program; null when termination was not checked.
    /// </summary>
    public long? MaxLoopIterations { get; }
    /// <summary>Number of loop heads in the call-expanded control-flow graph.</summary>
    public int LoopCount { get; }
    /// <summary>With <see cref="VerifierOptions.RecordStates"/>: the abstract state before each reachable instruction.</summary>
    public ImmutableDictionary<int, string> States { get; }
    /// <summary>Basic blocks of the call-expanded control-flow graph.</summary>
    public int AnalysedBlocks { get; }

    internal Analysis.AnalysisOutcome? Outcome { get; }

    public override string ToString() =>
        Passed ? "passed" : "failed:\n" + string.Join("\n", Errors.Select(e => e.ToString()));
}
