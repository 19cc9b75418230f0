namespace Ebpf.Verifier.Analysis;

internal enum EdgeKind : byte
{
    Normal,
    /// <summary>Into a callee's first instruction: a new frame.</summary>
    CallEnter,
    /// <summary>From a callee's exit back to the instruction after the call.</summary>
    Return,
    /// <summary>From a callback helper's call into a callback it may call: the callback's arguments, a new frame.</summary>
    CallbackEnter,
    /// <summary>From a callback's exit back to the helper's call, the caller's registers restored.</summary>
    CallbackReturn,
    /// <summary>From a callback helper's call past it: the helper's result.</summary>
    CallbackDone,
}
