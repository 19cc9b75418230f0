namespace Ebpf.Verifier.Analysis;

internal enum EdgeKind : byte
{
    Normal,
    /// <summary>Into a callee's first instruction: a new frame.</summary>
    CallEnter,
    /// <summary>From a callee's exit back to the instruction after the call.</summary>
    Return,
}
