using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Cuts a program too large for one optimized method into regions (contiguous instruction ranges, each its own
/// method) whose IL stays within a fraction of the .NET JIT's limits. Leaving a region costs a return, a dispatch and
/// a reload of the registers, so a cut goes where it splits the fewest loops (back edges spanning it).
/// </summary>
internal static class JitRegionPlanner
{
    /// <param name="start">First pc of the function to cut; <paramref name="end"/> one past its last.</param>
    /// <param name="costBefore">IL counts before each instruction of the function (and at its end) as one method, indexed from <paramref name="start"/>.</param>
    /// <param name="fraction">Share of each JIT limit one region may use (the rest leaves room for its prologue and exits).</param>
    /// <param name="maxInstructions">If positive, also at most this many instruction slots per region (tests force small regions).</param>
    /// <returns>The first pc of every region, ascending, starting with <paramref name="start"/>.</returns>
    public static List<int> Plan(Instruction[] code, bool[] starts, int start, int end, IlCounts[] costBefore, double fraction, int maxInstructions = 0)
    {
        // loopsSpanning[c]: back edges (a jump from b to t <= b) that a cut at c (regions [.., c) and [c, ..)) splits.
        var loopsSpanning = new int[code.Length + 2];
        for (int pc = start; pc < end; pc += ProgramDecoder.SlotCount(code[pc]))
        {
            var insn = code[pc];
            if (insn.Class is not (OpClass.Jmp or OpClass.Jmp32) || (JmpOp)insn.Operation is JmpOp.Exit or JmpOp.Call) continue;
            int target = pc + 1 + ((JmpOp)insn.Operation == JmpOp.Ja && insn.Class == OpClass.Jmp32 ? insn.Imm : insn.Offset);
            if (target < 0 || target > pc) continue;
            loopsSpanning[target + 1]++;
            loopsSpanning[pc + 1]--;
        }
        for (int c = 1; c < loopsSpanning.Length; c++) loopsSpanning[c] += loopsSpanning[c - 1];

        var cuts = new List<int> { start };
        int regionStart = start;
        for (int pc = start; pc < end; pc += ProgramDecoder.SlotCount(code[pc]))
        {
            int next = pc + ProgramDecoder.SlotCount(code[pc]);
            bool tooLarge = !(costBefore[next - start] - costBefore[regionStart - start]).Within(fraction) ||
                maxInstructions > 0 && next - regionStart > maxInstructions;
            if (!tooLarge || pc == regionStart) continue;
            // Cut before pc, or earlier (not before the middle of the region) where fewer loops are split.
            int best = pc;
            int low = maxInstructions > 0 ? pc : Math.Max(regionStart + 1, regionStart + (pc - regionStart) / 2);
            for (int c = pc - 1; c >= low; c--)
                if (starts[c] && loopsSpanning[c] < loopsSpanning[best]) best = c;
            cuts.Add(best);
            regionStart = best;
        }
        return cuts;
    }
}
