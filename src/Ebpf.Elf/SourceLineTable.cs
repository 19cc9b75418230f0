using System.Collections.Immutable;
using Ebpf.Elf.Btf;

namespace Ebpf.Elf;

/// <summary>The line_info records of one code section sorted by slot, so a function's records are found by binary search.</summary>
internal sealed class SourceLineTable
{
    private readonly BtfLineInfo[] _lines;

    public SourceLineTable(List<BtfLineInfo> lines)
    {
        _lines = [.. lines];
        Array.Sort(_lines, (a, b) => a.InstructionOffset.CompareTo(b.InstructionOffset));
    }

    /// <summary>Adds the records for slots [first, first+count) of the section, re-based to start at <paramref name="linkedStart"/>.</summary>
    public void AppendRange(int first, int count, int linkedStart, ImmutableArray<SourceLine>.Builder into)
    {
        int lo = 0, hi = _lines.Length;
        ulong firstByte = (ulong)first * 8;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_lines[mid].InstructionOffset < firstByte) lo = mid + 1; else hi = mid;
        }
        ulong endByte = (ulong)(first + count) * 8;
        for (int i = lo; i < _lines.Length && _lines[i].InstructionOffset < endByte; i++)
        {
            var l = _lines[i];
            if (l.InstructionOffset % 8 != 0) continue;
            int slot = (int)(l.InstructionOffset / 8);
            into.Add(new SourceLine(linkedStart + slot - first, l.FileName, l.Line, l.Column, l.LineText));
        }
    }
}
