namespace Ebpf.Elf.Btf;

/// <summary>A BTF.ext line_info record with its strings resolved; the source position of byte <see cref="InstructionOffset"/>.</summary>
internal readonly record struct BtfLineInfo(uint InstructionOffset, string FileName, string LineText, int Line, int Column);
