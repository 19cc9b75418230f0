namespace Ebpf.Verifier.Ir;

/// <summary>A comparison between a register and an operand, on 64 bits or on the low 32 bits.</summary>
public readonly record struct Condition(ConditionOp Op, byte Left, Operand Right, bool Is64)
{
    private static readonly ConditionOp[] Negations =
    [
        ConditionOp.Ne, ConditionOp.Eq, ConditionOp.NotSet, ConditionOp.Set, ConditionOp.Ge, ConditionOp.Gt,
        ConditionOp.Le, ConditionOp.Lt, ConditionOp.SGe, ConditionOp.SGt, ConditionOp.SLe, ConditionOp.SLt,
    ];

    private static readonly string[] Symbols = ["==", "!=", "&==", "&!=", "<", "<=", ">", ">=", "s<", "s<=", "s>", "s>="];

    public Condition Negate() => this with { Op = Negations[(int)Op] };

    public static string Symbol(ConditionOp op) => Symbols[(int)op];

    public override string ToString() => $"{(Is64 ? "r" : "w")}{Left} {Symbol(Op)} {(Right.IsRegister ? (Is64 ? "r" : "w") + Right.Register : Right.ToString())}";
}
