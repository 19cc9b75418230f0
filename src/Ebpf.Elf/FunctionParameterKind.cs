namespace Ebpf.Elf;

/// <summary>How a global function's parameter is passed, from its BTF type (the kernel's btf_prepare_func_args).</summary>
public enum FunctionParameterKind
{
    /// <summary>An integer, enum or bool: any number.</summary>
    Scalar,
    /// <summary>A pointer: to the program's context when its pointee is the context type, else to memory of the pointee's size.</summary>
    Pointer,
    /// <summary>Anything else (a struct passed by value, a float, a missing type): a global function cannot take it.</summary>
    Unsupported,
}
