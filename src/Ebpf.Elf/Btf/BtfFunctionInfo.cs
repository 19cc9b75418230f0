namespace Ebpf.Elf.Btf;

/// <summary>A BTF.ext func_info record: the function starting at byte <see cref="InstructionOffset"/> of its section.</summary>
internal readonly record struct BtfFunctionInfo(uint InstructionOffset, uint TypeId);
