namespace Ebpf.Elf.Btf;

/// <summary>
/// One entry of a type's list: a struct/union member (<see cref="Offset"/> in bits, the raw field), a function
/// prototype parameter (offset 0) or a data-section variable (<see cref="Offset"/> and <see cref="Size"/> in bytes).
/// </summary>
public readonly record struct BtfMember(string Name, uint Type, uint Offset, uint Size = 0);
