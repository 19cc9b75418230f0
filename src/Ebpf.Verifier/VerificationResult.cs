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
    /// The largest number of times any loop head can be entered per entry of its loop (one run of the loop), when termination was checked and the program has
    /// loops; 0 for a loop-free program; null when termination was not checked, or was proven by exploring every path
    /// (each ends within the instruction budget, with no bound per loop).
    /// </summary>
    public long? MaxLoopIterations { get; }
    /// <summary>Number of loop heads in the call-expanded control-flow graph.</summary>
    public int LoopCount { get; }
    /// <summary>With <see cref="VerifierOptions.RecordStates"/>: the abstract state before each reachable instruction.</summary>
    public ImmutableDictionary<int, string> States { get; }
    /// <summary>Basic blocks of the call-expanded control-flow graph.</summary>
    public int AnalysedBlocks { get; }

    internal Analysis.AnalysisOutcome? Outcome { get; private init; }

    /// <summary>
    /// Which analysis proved the program: the fixpoint (the fast first pass) or, where it could not, the exploration of
    /// every path. Null when the program failed.
    /// </summary>
    public VerifierPass? Pass => !Passed ? null : ProvedByPaths ? VerifierPass.PathExploration : VerifierPass.Fixpoint;

    private bool ProvedByPaths { get; init; }

    /// <summary>Instructions the path pass executed (0 when the fixpoint sufficed or the pass was off).</summary>
    public long ExploredInstructions { get; private init; }

    /// <summary>Why the path pass could not prove a program the fixpoint refused (its errors are the fixpoint's).</summary>
    public string? PathExplorationFailure { get; private init; }

    /// <summary>
    /// This result after the path pass: <paramref name="failure"/> is null when it proved the program;
    /// <paramref name="diagnostics"/>, when given, replace the fixpoint's (with the pass's states and exits).
    /// </summary>
    internal VerificationResult WithPathExploration(ImmutableArray<Diagnostic>? diagnostics, long instructions, string? failure,
        ImmutableDictionary<int, string>? states, Analysis.AnalysisOutcome? outcome) =>
        new(diagnostics ?? Diagnostics, diagnostics is null ? MaxLoopIterations : null, LoopCount,
            diagnostics is null ? States : states ?? ImmutableDictionary<int, string>.Empty, AnalysedBlocks, diagnostics is null ? Outcome : outcome)
        {
            ProvedByPaths = failure is null,
            ExploredInstructions = instructions,
            PathExplorationFailure = failure,
        };

    public override string ToString() =>
        Passed ? "passed" : "failed:\n" + string.Join("\n", Errors.Select(e => e.ToString()));
}
