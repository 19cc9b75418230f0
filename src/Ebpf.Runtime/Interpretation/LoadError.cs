namespace Ebpf.Runtime.Interpretation;

/// <summary>Why a structurally valid program cannot be prepared for execution.</summary>
public enum LoadError
{
    /// <summary><c>call imm</c> names a helper the helper table does not have.</summary>
    UnknownHelper,
    /// <summary>An lddw with a pseudo source (map fd, map value, ...) that no resolver resolved.</summary>
    UnresolvedWideImmediate,
    /// <summary>A call form the interpreter does not run (runtime/kfunc calls, src 2).</summary>
    UnsupportedCall,
    /// <summary>The last instruction is neither exit nor an unconditional jump, so execution could run off the end.</summary>
    FallsOffEnd,
    /// <summary>A context access the runtime cannot map onto the real context (a store, or a field it does not know).</summary>
    UnsupportedContextAccess,
}
