using System.Buffers.Binary;
using Ebpf.Isa;

namespace Ebpf.Elf.Tests;

/// <summary>
/// Objects as other producers write them, made by patching what clang-19 writes for samples/bpf2bpf.c (the patches
/// are below, next to what they stand for): older LLVM's EM_NONE machine, and bpf-to-bpf calls relocated against the
/// .text section symbol with the callee's offset in the call's immediate (older LLVM did so for every call; LLVM 19
/// still does for static callees). Each must link to exactly the program the unpatched object gives.
/// </summary>
public sealed class ProducerVariantTests
{
    private const int RelEntrySize = 16;

    private static readonly string Path = LlvmTools.Sample("bpf2bpf.o");

    private static ImmutableProgram[] Linked(byte[] bytes) =>
        [.. BpfObject.Open(bytes, "patched.o").Programs.Select(p => new ImmutableProgram(p.Name, [.. p.Instructions]))];

    private sealed record ImmutableProgram(string Name, Instruction[] Instructions)
    {
        public bool SameAs(ImmutableProgram other) => Name == other.Name && Instructions.SequenceEqual(other.Instructions);
    }

    [Fact]
    public void MachineNoneOpensAsBpf()
    {
        var bytes = File.ReadAllBytes(Path);
        var expected = Linked(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 0); // e_machine = EM_NONE
        var actual = Linked(bytes);
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), pair => Assert.True(pair.First.SameAs(pair.Second), pair.First.Name));

        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 62); // EM_X86_64 stays refused
        var e = Assert.Throws<BpfObjectException>(() => BpfObject.Open(bytes, "x86.o"));
        Assert.Contains("machine 62", e.Message);
    }

    [Fact]
    public void CallsRelocatedAgainstTheTextSectionSymbolLinkLikeCallsToTheFunctionSymbol()
    {
        var dump = LlvmTools.ReadElf(Path);
        var text = dump.SectionNamed(".text");
        var sectionSymbol = dump.Symbols.Single(s => s.Type == "SECTION" && s.Ndx == text.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var callee = dump.Symbols.Single(s => s.Name == "is_loopback");
        var bytes = File.ReadAllBytes(Path);
        var expected = Linked(bytes);

        int patched = 0;
        foreach (var (target, relocations) in dump.Relocations)
        {
            if (target.StartsWith(".debug", StringComparison.Ordinal) || target.StartsWith(".BTF", StringComparison.Ordinal)) continue;
            var relSection = dump.SectionNamed(".rel" + target);
            var code = dump.SectionNamed(target);
            for (int i = 0; i < relocations.Count; i++)
            {
                var r = relocations[i];
                if (r.SymbolIndex != callee.Index) continue;
                // The older form: r_info names the section symbol; imm = callee slot - 1 (libbpf: sym_off / 8 + imm + 1).
                var info = bytes.AsSpan((int)relSection.FileOffset + i * RelEntrySize + 8, 8);
                BinaryPrimitives.WriteUInt64LittleEndian(info, ((ulong)sectionSymbol.Index << 32) | (BinaryPrimitives.ReadUInt64LittleEndian(info) & 0xFFFF_FFFF));
                var imm = bytes.AsSpan((int)(code.FileOffset + r.Offset) + 4, 4);
                Assert.Equal(-1, BinaryPrimitives.ReadInt32LittleEndian(imm));
                BinaryPrimitives.WriteInt32LittleEndian(imm, (int)(callee.Value / Instruction.Size) - 1);
                patched++;
            }
        }
        Assert.True(patched >= 2, $"expected calls to is_loopback from both program sections, patched {patched}");
        var actual = Linked(bytes);
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), pair => Assert.True(pair.First.SameAs(pair.Second), pair.First.Name));
        // Both callees are linked into the programs that call them from their own sections.
        var connect = BpfObject.Open(bytes, "patched.o").FindProgram("authorize_connect4")!;
        Assert.Contains(connect.Functions, f => f.Name == "is_loopback");
        Assert.Contains(connect.Functions, f => f.Name == "sum_bytes");
    }
}
