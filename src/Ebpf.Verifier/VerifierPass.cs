namespace Ebpf.Verifier;

/// <summary>The analysis that proved a program safe.</summary>
public enum VerifierPass
{
    /// <summary>The abstract interpretation to a fixpoint, with joins and widening: the fast first pass.</summary>
    Fixpoint,
    /// <summary>The exploration of every path with state pruning, where the fixpoint was too coarse.</summary>
    PathExploration,
}
