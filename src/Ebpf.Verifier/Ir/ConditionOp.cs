namespace Ebpf.Verifier.Ir;

/// <summary>Comparison of a conditional jump or assumption; <c>Set</c>/<c>NotSet</c> test <c>left &amp; right</c>.</summary>
public enum ConditionOp : byte
{
    Eq, Ne, Set, NotSet, Lt, Le, Gt, Ge, SLt, SLe, SGt, SGe,
}
