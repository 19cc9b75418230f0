namespace Ebpf.Elf.Btf;

/// <summary>One enumerator of an ENUM or ENUM64 type.</summary>
public readonly record struct BtfEnumValue(string Name, long Value);
