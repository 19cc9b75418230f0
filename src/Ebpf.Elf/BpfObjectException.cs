namespace Ebpf.Elf;

/// <summary>
/// The one error the object loader raises: the file is not a loadable eBPF object. The message names the file and,
/// where known, the section, the byte offset inside it and the instruction index.
/// </summary>
public sealed class BpfObjectException : Exception
{
    public BpfObjectException(string fileName, string reason, string? section = null, long? offset = null,
        int? instructionIndex = null, Exception? inner = null)
        : base(Format(fileName, reason, section, offset, instructionIndex), inner)
    {
        FileName = fileName;
        Reason = reason;
        Section = section;
        Offset = offset;
        InstructionIndex = instructionIndex;
    }

    public string FileName { get; }
    /// <summary>The reason without the location prefix.</summary>
    public string Reason { get; }
    public string? Section { get; }
    /// <summary>Byte offset inside <see cref="Section"/> (or inside the file when no section is named).</summary>
    public long? Offset { get; }
    /// <summary>Instruction slot index inside <see cref="Section"/>.</summary>
    public int? InstructionIndex { get; }

    private static string Format(string fileName, string reason, string? section, long? offset, int? instructionIndex)
    {
        var where = fileName;
        if (section is not null) where += $": section '{section}'";
        if (instructionIndex is { } i) where += $", instruction {i}";
        if (offset is { } o) where += section is null ? $": file offset 0x{o:x}" : $", offset 0x{o:x}";
        return $"{where}: {reason}";
    }
}
