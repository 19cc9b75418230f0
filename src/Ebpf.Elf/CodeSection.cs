using Ebpf.Elf.Format;
using Ebpf.Isa;

namespace Ebpf.Elf;

/// <summary>An executable section: its decoded slots, its functions sorted by start, and its relocations by byte offset.</summary>
internal sealed class CodeSection(ElfSection section, Instruction[] instructions)
{
    public ElfSection Section { get; } = section;
    public Instruction[] Instructions { get; } = instructions;
    public List<CodeFunction> Functions { get; } = [];
    public Dictionary<ulong, ElfRelocation> Relocations { get; } = [];

    /// <summary>The function holding slot <paramref name="slot"/>, or null when the slot is outside every function.</summary>
    public CodeFunction? FunctionAt(int slot)
    {
        int lo = 0, hi = Functions.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var f = Functions[mid];
            if (slot < f.Start) hi = mid - 1;
            else if (slot >= f.Start + f.Count) lo = mid + 1;
            else return f;
        }
        return null;
    }
}
