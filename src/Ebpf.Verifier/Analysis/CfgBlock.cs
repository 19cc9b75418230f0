namespace Ebpf.Verifier.Analysis;

/// <summary>A basic block of the call-expanded control-flow graph: instruction slots run in one call context.</summary>
internal sealed class CfgBlock(int id, int depth, int context)
{
    public int Id { get; } = id;
    /// <summary>Call depth: 0 in the entry function.</summary>
    public int Depth { get; } = depth;
    /// <summary>Index of the call context (the chain of call sites) this copy of the code runs in.</summary>
    public int Context { get; } = context;
    public List<int> Pcs { get; } = [];
    public List<CfgEdge> Successors { get; } = [];
    public List<CfgEdge> Predecessors { get; } = [];
    /// <summary>True when the block's last instruction is an exit of the entry function (or falls off the end).</summary>
    public bool IsProgramExit { get; set; }
    /// <summary>True when the block's last instruction is an exit of a callback (its r0 must be 0 or 1).</summary>
    public bool IsCallbackExit { get; set; }
    /// <summary>
    /// At a callback helper's call: the subprograms already on the call stack, which the function argument must not
    /// name (recursion); no edge enters them.
    /// </summary>
    public List<int>? RecursiveCallbacks { get; set; }
    /// <summary>Reverse post-order index (visit order of the fixpoint).</summary>
    public int Order { get; set; } = -1;
    /// <summary>True when a back edge enters this block: a loop head, where widening applies.</summary>
    public bool IsLoopHead { get; set; }
    /// <summary>Index of this loop head's iteration counter.</summary>
    public int LoopCounter { get; set; } = -1;
}
