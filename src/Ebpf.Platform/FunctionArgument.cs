namespace Ebpf.Platform;

/// <summary>
/// One argument of a global function, as its BTF prototype types it. A <see cref="FunctionArgumentKind.Memory"/>
/// argument spans <see cref="Size"/> bytes and may be null when <see cref="Nullable"/> (the kernel's default for a
/// global function's pointer arguments): the function must check it before use.
/// </summary>
public readonly record struct FunctionArgument(FunctionArgumentKind Kind, int Size = 0, bool Nullable = true)
{
    public static FunctionArgument Number => new(FunctionArgumentKind.Number);
    public static FunctionArgument Context => new(FunctionArgumentKind.Context);
    public static FunctionArgument Memory(int size, bool nullable = true) => new(FunctionArgumentKind.Memory, size, nullable);
}
