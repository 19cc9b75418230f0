namespace Ebpf.Elf;

/// <summary>What a function of the object is, in libbpf's terms.</summary>
public enum BpfProgramKind
{
    /// <summary>A function of a program section (SEC("xdp") ...), or the code of an object whose only code is .text.</summary>
    Entry,
    /// <summary>A global (non-static) function in .text: callable as a subprogram, and verified as a unit of its own.</summary>
    GlobalFunction,
    /// <summary>
    /// A static function in .text whose address is taken by an lddw (a callback of bpf_loop, for_each_map_elem...):
    /// linked like a subprogram, and also verified as a unit of its own, with its own arguments.
    /// </summary>
    Callback,
    /// <summary>A static function in .text: exists only as a callee linked into the programs that call it.</summary>
    Subprogram,
}
