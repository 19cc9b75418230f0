namespace Ebpf.Platform;

/// <summary>What a global function receives in one argument register (the kernel's classes for BTF-typed arguments).</summary>
public enum FunctionArgumentKind
{
    /// <summary>Any number (an integer, enum or bool parameter, or one the verifier cannot describe).</summary>
    Number,
    /// <summary>The program's context, unmodified (a pointer to the program type's context struct).</summary>
    Context,
    /// <summary>A pointer to <see cref="FunctionArgument.Size"/> bytes of memory the function may read and write.</summary>
    Memory,
}
