using Ebpf.Isa;

namespace Ebpf.Runtime.Interpretation;

/// <summary>
/// Load-time preparation shared by the interpreter and the JIT, so both refuse the same programs with the same
/// messages: resolves every lddw to its 64-bit value and every <c>call imm</c> to its helper, and checks that
/// execution cannot run past the last instruction.
/// </summary>
internal static class ProgramPreparation
{
    /// <summary>Fills <paramref name="wideValues"/> and <paramref name="callTargets"/> (indexed by slot).</summary>
    public static void Prepare(ReadOnlySpan<Instruction> code, HelperTable helpers, WideImmediateResolver? resolver,
        ulong[] wideValues, HelperFunction?[] callTargets)
    {
        int last = 0;
        for (int i = 0; i < code.Length; i += ProgramDecoder.SlotCount(code[i]))
        {
            last = i;
            var insn = code[i];
            if (insn.Opcode == OpCodes.LdDw)
            {
                wideValues[i] = insn.Src == PseudoSource.Imm64
                    ? (uint)insn.Imm | ((ulong)(uint)code[i + 1].Imm << 32)
                    : ResolveWide(resolver, i, insn, code[i + 1].Imm);
            }
            else if (insn.Opcode == OpCodes.Call)
            {
                switch (insn.Src)
                {
                    case PseudoSource.HelperCall:
                        if (!helpers.TryGet((uint)insn.Imm, out var helper))
                            throw new ProgramLoadException(i, LoadError.UnknownHelper, $"call to unknown helper {(uint)insn.Imm}");
                        callTargets[i] = helper;
                        break;
                    case PseudoSource.KernelFunc:
                        throw new ProgramLoadException(i, LoadError.UnsupportedCall,
                            $"runtime function calls (call src 2, id {insn.Imm}) are not supported");
                }
            }
        }
        var final = code[last];
        if (final.Opcode is not (OpCodes.Exit or OpCodes.Ja or OpCodes.Ja32))
        {
            throw new ProgramLoadException(last, LoadError.FallsOffEnd,
                $"the last instruction ({Disassembler.Format(code, last)}) is not exit or ja, so execution could run past the end");
        }
    }

    private static ulong ResolveWide(WideImmediateResolver? resolver, int index, Instruction insn, int nextImm)
    {
        var reference = new WideImmediate(index, insn.Dst, insn.Src, insn.Imm, nextImm);
        if (resolver is { } resolve && resolve(reference, out ulong value)) return value;
        string kind = insn.Src switch
        {
            PseudoSource.MapFd => $"map fd {insn.Imm}",
            PseudoSource.MapValue => $"the value of map fd {insn.Imm} + {nextImm}",
            PseudoSource.BtfId => $"BTF id {insn.Imm}",
            PseudoSource.Func => $"function at offset {insn.Imm}",
            PseudoSource.MapIndex => $"map index {insn.Imm}",
            _ => $"the value of map index {insn.Imm} + {nextImm}",
        };
        throw new ProgramLoadException(index, LoadError.UnresolvedWideImmediate,
            $"lddw (src {insn.Src}) refers to {kind}, which nothing resolved" +
            (resolver is null ? " (no resolver was given)" : ""));
    }
}
