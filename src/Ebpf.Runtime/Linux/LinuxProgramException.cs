namespace Ebpf.Runtime.Linux;

/// <summary>A Linux object or program cannot run here; names the object, program and (when known) the instruction.</summary>
public sealed class LinuxProgramException(string message, int instructionIndex = -1)
    : Exception(instructionIndex >= 0 ? $"instruction {instructionIndex}: {message}" : message)
{
    public int InstructionIndex { get; } = instructionIndex;
}
