namespace Ebpf.Elf;

/// <summary>A call at <see cref="InstructionIndex"/> to an external function <see cref="Symbol"/> that the object does not define.</summary>
public readonly record struct UnresolvedCall(int InstructionIndex, string Symbol);
