using Ebpf.Verifier.Ir;

namespace Ebpf.Verifier.Tests.Soundness;

/// <summary>
/// Unsafe programs, each of which must be refused with the expected error. The categories follow the published
/// groups of the Linux verifier's selftests (verifier/*.c, progs/verifier_*.c) and PREVAIL's YAML tests: uninitialized
/// state, pointer leaks, out-of-bounds access per region and width, nullness, packet moves, helper arguments, loops,
/// calls, division and tail calls. The programs are written here. The platform is Linux XDP unless the name starts
/// with "win:" (eBPF for Windows xdp_test); maps are <see cref="CataloguePlatforms.Maps"/>.
/// </summary>
public sealed class SoundnessCatalogue
{
    private const string Packet = "r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\n";
    private const string Lookup = "*(u32 *)(r10 - 4) = 0\nr2 = r10\nr2 += -4\nr1 = map_by_idx 0\ncall 1\n";
    private const string Checked = Lookup + "if r0 == 0 goto <out>\n";
    private const string Out = "<out>:\nr0 = 0\nexit\n";

    public static TheoryData<string, string, string> Cases => new()
    {
        // ---- uninitialized registers
        { "uninit: return r0 never set", "exit", "Invalid type (r0.type == number)" },
        { "uninit: arithmetic on r2", "r0 = r2\nexit", "Invalid type (r0.type == number)" },
        { "uninit: branch on r3", "if r3 == 0 goto <a>\n<a>:\nr0 = 0\nexit", "Invalid type (r3.type" },
        { "uninit: store of r4", "*(u64 *)(r10 - 8) = r4\nr0 = *(u64 *)(r10 - 8)\nexit", "Stack content is not numeric" },
        { "uninit: load through r5", "r0 = *(u64 *)(r5 + 0)\nexit", "Invalid type (r5.type" },
        { "uninit: r1-r5 after a helper call", "call 7\nr0 = r1\nexit", "Invalid type (r0.type == number)" },
        { "uninit: r2 on one path only", "r1 = *(u32 *)(r1 + 12)\nif r1 == 0 goto <j>\nr2 = 1\n<j>:\nr0 = r2\nexit", "Invalid type (r0.type == number)" },
        { "uninit: 32-bit move of r7", "w0 = w7\nexit", "Invalid type (r7.type" },
        { "uninit: callx through r2", "callx r2\nr0 = 0\nexit", "Invalid type (r2.type" },
        { "uninit: r0 after a local call returning nothing set", "call <f>\nexit\n<f>:\nexit", "Invalid type (r0.type == number)" },
        // ---- uninitialized stack
        { "uninit stack: return a never-written slot", "r0 = *(u64 *)(r10 - 8)\nexit", "Stack content is not numeric" },
        { "uninit stack: 4 of 8 bytes written", "*(u32 *)(r10 - 8) = 1\nr0 = *(u64 *)(r10 - 8)\nexit", "Stack content is not numeric" },
        { "uninit stack: one byte read", "r0 = *(u8 *)(r10 - 1)\nexit", "Stack content is not numeric" },
        { "uninit stack: unaligned read over a gap", "*(u32 *)(r10 - 16) = 1\nr0 = *(u64 *)(r10 - 14)\nexit", "Stack content is not numeric" },
        { "uninit stack: written on one path only", "r1 = *(u32 *)(r1 + 12)\nif r1 == 0 goto <j>\n*(u64 *)(r10 - 8) = 1\n<j>:\nr0 = *(u64 *)(r10 - 8)\nexit", "Stack content is not numeric" },
        { "uninit stack: variable-offset read", "r1 = *(u32 *)(r1 + 0)\nr1 &= 7\nr2 = r10\nr2 += -16\nr2 += r1\n*(u64 *)(r10 - 16) = 0\nr0 = *(u8 *)(r2 + 0)\nexit", "Stack content is not numeric" },
        { "uninit stack: map key never written", "r2 = r10\nr2 += -4\nr1 = map_by_idx 0\ncall 1\nr0 = 0\nexit", "non-numerical value" },
        { "uninit stack: map value half written", "*(u32 *)(r10 - 4) = 0\n*(u64 *)(r10 - 24) = 0\nr2 = r10\nr2 += -4\nr3 = r10\nr3 += -24\nr4 = 0\nr1 = map_by_idx 0\ncall 2\nr0 = 0\nexit", "non-numerical value" },
        { "uninit stack: helper reads uninitialized memory", "r1 = map_by_idx 0\nr2 = r10\nr2 += -8\nr3 = 8\nr4 = 0\ncall 130\nr0 = 0\nexit", "Stack content is not numeric" },
        { "uninit stack: callee frame read after return", "call <f>\nr0 = *(u64 *)(r10 - 520)\nexit\n<f>:\n*(u64 *)(r10 - 8) = 1\nr0 = 0\nexit", "Lower bound must be at least" },
        { "uninit stack: callee reads its own fresh frame", "*(u64 *)(r10 - 8) = 1\ncall <f>\nexit\n<f>:\nr0 = *(u64 *)(r10 - 8)\nexit", "Stack content is not numeric" },
        { "uninit stack: atomic add on never-written slot", "r1 = 1\nlock *(u64 *)(r10 - 8) += r1\nr0 = 0\nexit", "Stack content is not numeric" },
        // ---- pointer leaks: return
        { "leak: return the context", "r0 = r1\nexit", "Invalid type (r0.type == number)" },
        { "leak: return the frame pointer", "r0 = r10\nexit", "Invalid type (r0.type == number)" },
        { "leak: return a packet pointer", Packet + "r0 = r2\nexit", "Invalid type (r0.type == number)" },
        { "leak: return a map value pointer", Checked + "exit\n" + Out, "Invalid type (r0.type == number)" },
        { "leak: return a map descriptor", "r0 = map_by_idx 0\nexit", "Invalid type (r0.type == number)" },
        { "leak: return a spilled pointer reloaded", "*(u64 *)(r10 - 8) = r1\nr0 = *(u64 *)(r10 - 8)\nexit", "Invalid type (r0.type == number)" },
        { "leak: return a context pointer from a callee", "call <f>\nexit\n<f>:\nr0 = r1\nexit", "Invalid type (r0.type == number)" },
        { "leak: return pointer on one path", "r2 = *(u32 *)(r1 + 0)\nr0 = 0\nif r2 == 0 goto <e>\nr0 = r1\n<e>:\nexit", "Invalid type (r0.type == number)" },
        // ---- pointer leaks: into maps and memory
        { "leak: store the context into a map value", Checked + "*(u64 *)(r0 + 0) = r6\n" + Out, "Invalid type (r6.type" },
        { "leak: store the frame pointer into a map value", Checked + "*(u64 *)(r0 + 0) = r10\n" + Out, "Only numbers can be stored to externally-visible regions" },
        { "leak: store a map value pointer into itself", Checked + "*(u64 *)(r0 + 0) = r0\n" + Out, "Only numbers can be stored to externally-visible regions" },
        { "leak: store the context into the packet", Packet + "r4 = r2\nr4 += 8\nif r4 > r3 goto <out>\n*(u64 *)(r2 + 0) = r1\n" + Out, "Only numbers can be stored to externally-visible regions" },
        { "leak: store a packet pointer into the context", Packet + "*(u32 *)(r1 + 12) = r2\nr0 = 0\nexit", "Only numbers can be stored to externally-visible regions" },
        { "leak: map update with a spilled context as value", "r6 = r1\n*(u32 *)(r10 - 4) = 0\n*(u64 *)(r10 - 24) = r6\n*(u64 *)(r10 - 16) = r6\nr2 = r10\nr2 += -4\nr3 = r10\nr3 += -24\nr4 = 0\nr1 = map_by_idx 0\ncall 2\nr0 = 0\nexit", "non-numerical value" },
        { "leak: map key holding a spilled pointer", "*(u64 *)(r10 - 8) = r1\nr2 = r10\nr2 += -8\nr1 = map_by_idx 0\ncall 1\nr0 = 0\nexit", "non-numerical value" },
        { "leak: ring buffer output of a spilled pointer", "*(u64 *)(r10 - 8) = r1\nr1 = map_by_idx 0\nr2 = r10\nr2 += -8\nr3 = 8\nr4 = 0\ncall 130\nr0 = 0\nexit", "Stack content is not numeric" },
        { "leak: push a spilled pointer to a queue", "*(u64 *)(r10 - 8) = r10\nr1 = map_by_idx 3\nr2 = r10\nr2 += -8\nr3 = 0\ncall 87\nr0 = 0\nexit", "non-numerical value" },
        { "leak: part of a spilled pointer read back", "*(u64 *)(r10 - 8) = r1\nr0 = *(u32 *)(r10 - 8)\nexit", "Stack content is not numeric" },
        { "leak: byte of a spilled pointer read back", "*(u64 *)(r10 - 8) = r10\nr0 = *(u8 *)(r10 - 5)\nexit", "Stack content is not numeric" },
        { "leak: spilled pointer half overwritten", "*(u64 *)(r10 - 8) = r1\n*(u32 *)(r10 - 8) = 0\nr0 = *(u64 *)(r10 - 8)\nexit", "Stack content is not numeric" },
        // ---- pointer leaks: arithmetic to numbers and comparisons
        { "leak: pointer times a number", "r1 *= 2\nr0 = 0\nexit", "Invalid type (r1.type == number)" },
        { "leak: pointer divided", "r1 /= 3\nr0 = 0\nexit", "Invalid type (r1.type == number)" },
        { "leak: pointer xor", "r1 ^= 1\nr0 = 0\nexit", "Invalid type (r1.type == number)" },
        { "leak: pointer or", "r10 |= 1\nr0 = 0\nexit", "Invalid type (r10.type == number)" },
        { "leak: pointer and mask", "r1 &= 0xfff\nr0 = r1\nexit", "Invalid type (r1.type == number)" },
        { "leak: pointer shifted", "r1 >>= 3\nr0 = r1\nexit", "Invalid type (r1.type == number)" },
        { "leak: pointer negated", "r1 = -r1\nr0 = r1\nexit", "Invalid type (r1.type == number)" },
        { "leak: pointer byte-swapped", "r1 = be64 r1\nr0 = r1\nexit", "Invalid type (r1.type == number)" },
        { "leak: 32-bit move of a pointer", "w0 = w1\nexit", "Invalid type (r1.type == number)" },
        { "leak: 32-bit add to a pointer", "w1 += 1\nr0 = 0\nexit", "Invalid type (r1.type == number)" },
        { "leak: sign-extending move of a pointer", "r0 s32= r1\nexit", "Invalid type (r1.type == number)" },
        { "leak: number minus pointer", "r0 = 0\nr0 -= r1\nexit", "Cannot subtract pointers to different regions" },
        { "leak: pointers of two regions subtracted", Packet + "r0 = r2\nr0 -= r1\nexit", "Cannot subtract pointers to different regions" },
        { "leak: pointer plus pointer", "r1 += r10\nr0 = 0\nexit", "Only numbers can be added to pointers" },
        { "leak: context compared with a number", "r2 = 12345\nr0 = 0\nif r1 > r2 goto <a>\nr0 = 1\n<a>:\nexit", "Pointers may be compared only with pointers to the same region" },
        { "leak: stack pointer compared with a constant", "r0 = 0\nif r10 > 1000 goto <a>\nr0 = 1\n<a>:\nexit", "Invalid type (r10.type == number)" },
        { "leak: context compared with the stack pointer", "r0 = 0\nif r1 > r10 goto <a>\nr0 = 1\n<a>:\nexit", "Pointers may be compared only with pointers to the same region" },
        { "leak: packet pointer compared with the context", Packet + "r0 = 0\nif r2 > r1 goto <a>\nr0 = 1\n<a>:\nexit", "Pointers may be compared only with pointers to the same region" },
        { "leak: pointer bits tested", "r0 = 0\nif r1 &== 4096 goto <a>\nr0 = 1\n<a>:\nexit", "Invalid type (r1.type == number)" },
        { "leak: pointer to atomic operand", "*(u64 *)(r10 - 8) = 0\nlock *(u64 *)(r10 - 8) += r1\nr0 = 0\nexit", "Invalid type (r1.type == number)" },
        { "leak: stack or context compared with packet or stack, kinds not following the path", "r9 = *(u32 *)(r1 + 12)\nr2 = *(u32 *)(r1 + 0)\nr3 = r10\nif r9 == 0 goto <a>\nr3 = r1\n<a>:\nr4 = r10\nif r9 == 1 goto <b>\nr4 = r2\n<b>:\nr0 = 0\nif r3 > r4 goto <c>\nr0 = 1\n<c>:\nexit", "Pointers may be compared only with pointers to the same region" },
        { "leak: two map values compared (their distance in host memory)", Checked + "r6 = r0\n" + Lookup + "if r0 == 0 goto <out>\nr6 += 4096\nr1 = 0\nif r6 > r0 goto <a>\nr1 = 1\n<a>:\nr0 = r1\nexit\n" + Out, "Map value pointers may only be tested against 0" },
        { "leak: map value compared for equality with another", Checked + "r6 = r0\n" + Lookup + "if r0 == 0 goto <out>\nr1 = 0\nif r6 == r0 goto <a>\nr1 = 1\n<a>:\nr0 = r1\nexit\n" + Out, "Map value pointers may only be tested against 0" },
        { "leak: pointer as a variable stack offset", "r2 = r10\nr2 += r1\nr0 = 0\nexit", "Only numbers can be added to pointers" },
        { "leak: pointer stored with a 32-bit store to the stack, read back", "*(u32 *)(r10 - 8) = r1\nr0 = *(u32 *)(r10 - 8)\nexit", "Stack content is not numeric" },
        // ---- out of bounds: stack
        { "oob stack: below the frame", "*(u64 *)(r10 - 520) = 0\nr0 = 0\nexit", "Lower bound must be at least" },
        { "oob stack: at r10", "*(u8 *)(r10 + 0) = 0\nr0 = 0\nexit", "Upper bound must be at most" },
        { "oob stack: 8 bytes straddling r10", "*(u64 *)(r10 - 4) = 0\nr0 = 0\nexit", "Upper bound must be at most" },
        { "oob stack: 2 bytes straddling the bottom", "*(u16 *)(r10 - 513) = 0\nr0 = 0\nexit", "Lower bound must be at least" },
        { "oob stack: 4-byte read above", "*(u64 *)(r10 - 8) = 0\nr0 = *(u32 *)(r10 + 4)\nexit", "Upper bound must be at most" },
        { "oob stack: unbounded variable offset", "r1 = *(u32 *)(r1 + 12)\nr2 = r10\nr2 -= r1\n*(u8 *)(r2 - 1) = 0\nr0 = 0\nexit", "Lower bound must be at least" },
        { "oob stack: offset bounded too loosely", "r1 = *(u32 *)(r1 + 12)\nif r1 > 600 goto <out>\nr2 = r10\nr2 -= r1\n*(u8 *)(r2 - 1) = 0\n" + Out, "Lower bound must be at least" },
        { "oob stack: helper writes past the frame top", "r1 = r10\nr1 += -4\nr2 = 8\ncall 16\nr0 = 0\nexit", "Upper bound must be at most" },
        { "oob stack: helper size larger than the frame", "r1 = r10\nr1 += -512\nr2 = 1024\ncall 16\nr0 = 0\nexit", "Upper bound must be at most" },
        // ---- out of bounds: context
        { "oob ctx: read past the end (u32)", "r0 = *(u32 *)(r1 + 20)\nexit", "Upper bound must be at most 20" },
        { "oob ctx: read past the end (u64)", "r0 = *(u64 *)(r1 + 16)\nexit", "Upper bound must be at most 20" },
        { "oob ctx: read before the start", "r0 = *(u8 *)(r1 - 1)\nexit", "Lower bound must be at least 0" },
        { "oob ctx: write a packet pointer field", "*(u32 *)(r1 + 0) = 0\nr0 = 0\nexit", "Cannot write to context pointer field" },
        { "oob ctx: write data_end", "*(u32 *)(r1 + 4) = 0\nr0 = 0\nexit", "Cannot write to context pointer field" },
        { "oob ctx: variable offset", "r2 = *(u32 *)(r1 + 12)\nr1 += r2\nr0 = *(u8 *)(r1 + 0)\nexit", "Upper bound must be at most" },
        { "oob ctx: modified context to a helper", "r1 += 4\ncall 188\nr0 = 0\nexit", "Context pointer must be unmodified" },
        // ---- out of bounds: packet
        { "oob packet: no bounds check (u8)", Packet + "r0 = *(u8 *)(r2 + 0)\nexit", "Upper bound must be at most packet_size" },
        { "oob packet: check one byte short (u16)", Packet + "r4 = r2\nr4 += 1\nif r4 > r3 goto <out>\nr0 = *(u16 *)(r2 + 0)\nexit\n" + Out, "Upper bound must be at most packet_size" },
        { "oob packet: check one byte short (u32)", Packet + "r4 = r2\nr4 += 3\nif r4 > r3 goto <out>\nr0 = *(u32 *)(r2 + 0)\nexit\n" + Out, "Upper bound must be at most packet_size" },
        { "oob packet: check one byte short (u64)", Packet + "r4 = r2\nr4 += 7\nif r4 > r3 goto <out>\nr0 = *(u64 *)(r2 + 0)\nexit\n" + Out, "Upper bound must be at most packet_size" },
        { "oob packet: read past the checked range", Packet + "r4 = r2\nr4 += 14\nif r4 > r3 goto <out>\nr0 = *(u8 *)(r2 + 14)\nexit\n" + Out, "Upper bound must be at most packet_size" },
        { "oob packet: check the wrong way round", Packet + "r4 = r2\nr4 += 8\nif r4 < r3 goto <out>\nr0 = *(u8 *)(r2 + 0)\nexit\n" + Out, "Upper bound must be at most packet_size" },
        { "oob packet: write without a check", Packet + "*(u8 *)(r2 + 0) = 0\nr0 = 0\nexit", "Upper bound must be at most packet_size" },
        { "oob packet: before the start", Packet + "r4 = r2\nr4 += 8\nif r4 > r3 goto <out>\nr0 = *(u8 *)(r2 - 1)\nexit\n" + Out, "Lower bound must be at least meta_offset" },
        { "oob packet: unbounded variable offset", Packet + "r4 = r2\nr4 += 8\nif r4 > r3 goto <out>\nr5 = *(u8 *)(r2 + 0)\nr2 += r5\nr0 = *(u8 *)(r2 + 0)\nexit\n" + Out, "Upper bound must be at most packet_size" },
        { "oob packet: data_end dereferenced", Packet + "r0 = *(u8 *)(r3 + 0)\nexit", "Upper bound must be at most packet_size" },
        { "oob packet: helper reads unchecked packet bytes", Packet + "r1 = map_by_idx 0\nr4 = 8\nr5 = r3\nr3 = r4\nr4 = 0\nr2 += 0\ncall 130\nr0 = 0\nexit", "Upper bound must be at most packet_size" },
        // ---- out of bounds: map values
        { "oob map value: one past the end (u8)", Checked + "r0 = *(u8 *)(r0 + 16)\nexit\n" + Out, "shared_region_size" },
        { "oob map value: straddling the end (u32)", Checked + "r0 = *(u32 *)(r0 + 14)\nexit\n" + Out, "shared_region_size" },
        { "oob map value: straddling the end (u64)", Checked + "r0 = *(u64 *)(r0 + 12)\nexit\n" + Out, "shared_region_size" },
        { "oob map value: before the start", Checked + "r0 = *(u8 *)(r0 - 1)\nexit\n" + Out, "Lower bound must be at least 0" },
        { "oob map value: unbounded index", Checked + "r1 = *(u32 *)(r0 + 0)\nr0 += r1\nr0 = *(u8 *)(r0 + 0)\nexit\n" + Out, "shared_region_size" },
        { "oob map value: index bounded by the wrong size", Checked + "r1 = *(u32 *)(r0 + 0)\nif r1 > 16 goto <out>\nr0 += r1\nr0 = *(u8 *)(r0 + 0)\nexit\n" + Out, "shared_region_size" },
        { "oob map value: write past the end", Checked + "*(u64 *)(r0 + 16) = 0\n" + Out, "shared_region_size" },
        { "oob map value: helper reads past the end", Checked + "r1 = map_by_idx 0\nr2 = r10\nr2 += -4\nr3 = r0\nr3 += 8\nr4 = 0\ncall 2\n" + Out, "shared_region_size" },
        { "oob map value: smaller map's value", "*(u32 *)(r10 - 4) = 0\nr2 = r10\nr2 += -4\nr1 = map_by_idx 2\ncall 1\nif r0 == 0 goto <out>\nr0 = *(u64 *)(r0 + 4)\nexit\n" + Out, "shared_region_size" },
        // ---- null dereferences
        { "null: lookup result unchecked", Lookup + "r0 = *(u64 *)(r0 + 0)\nexit", "Possible null access" },
        { "null: checked the wrong way", Lookup + "if r0 != 0 goto <out>\nr0 = *(u8 *)(r0 + 0)\nexit\n" + Out, "Invalid type (r0.type in" },
        { "null: checked only on one path of a join", "r9 = *(u32 *)(r1 + 12)\n" + Lookup + "r6 = r0\nif r9 == 1 goto <j>\nif r6 == 0 goto <out>\n<j>:\nr0 = *(u8 *)(r6 + 0)\nexit\n" + Out, "Possible null access" },
        { "null: copy checked, original used after a join", Lookup + "r6 = r0\nr7 = 0\nif r6 == 0 goto <j>\nr7 = 1\n<j>:\nr0 = *(u8 *)(r6 + 0)\nexit", "Invalid type (r6.type" },
        { "null: write through an unchecked result", Lookup + "*(u32 *)(r0 + 0) = 1\nr0 = 0\nexit", "Possible null access" },
        { "null: unchecked result to a helper", Lookup + "r3 = r0\nr1 = map_by_idx 0\nr2 = r10\nr2 += -4\nr4 = 0\ncall 2\nr0 = 0\nexit", "Possible null access" },
        { "null: result joined with another lookup's checked one", "r9 = *(u32 *)(r1 + 12)\n" + Lookup + "r6 = r0\nif r6 == 0 goto <out>\n" + Lookup + "if r9 == 0 goto <j>\nr6 = r0\n<j>:\nr0 = *(u8 *)(r6 + 0)\nexit\n" + Out, "Possible null access" },
        { "null: ring buffer record unchecked", "r1 = map_by_idx 0\nr2 = 8\nr3 = 0\ncall 131\n*(u64 *)(r0 + 0) = 0\nr0 = 0\nexit", "Possible null access" },
        { "null: socket from lookup unchecked", "r2 = r10\nr2 += -16\n*(u64 *)(r10 - 8) = 0\n*(u64 *)(r10 - 16) = 0\nr3 = 12\nr4 = 0\nr5 = 0\ncall 84\nr0 = *(u32 *)(r0 + 4)\nexit", "Possible null access" },
        { "null: number zero dereferenced", "r1 = 0\nr0 = *(u8 *)(r1 + 0)\nexit", "Invalid type (r1.type" },
        // ---- packet pointers after the packet moves
        { "moved packet: read through a pointer checked before adjust_head", "r6 = r1\n" + Packet + "r4 = r2\nr4 += 14\nif r4 > r3 goto <out>\nr7 = r2\nr1 = r6\nr2 = 8\ncall 44\nr0 = *(u8 *)(r7 + 0)\nexit\n" + Out, "Invalid type (r7.type" },
        { "moved packet: checked size forgotten after adjust_head", "r6 = r1\n" + Packet + "r4 = r2\nr4 += 14\nif r4 > r3 goto <out>\nr1 = r6\nr2 = 8\ncall 44\nr2 = *(u32 *)(r6 + 0)\nr0 = *(u8 *)(r2 + 0)\nexit\n" + Out, "Upper bound must be at most packet_size" },
        { "moved packet: spilled packet pointer after adjust_tail", "r6 = r1\n" + Packet + "r4 = r2\nr4 += 14\nif r4 > r3 goto <out>\n*(u64 *)(r10 - 8) = r2\nr1 = r6\nr2 = -4\ncall 65\nr2 = *(u64 *)(r10 - 8)\nr0 = *(u8 *)(r2 + 0)\nexit\n" + Out, "Stack content is not numeric" },
        { "moved packet: data_end kept across adjust_meta", "r6 = r1\n" + Packet + "r7 = r3\nr1 = r6\nr2 = -4\ncall 54\nr2 = *(u32 *)(r6 + 0)\nr4 = r2\nr4 += 4\nif r4 > r7 goto <out>\nr0 = *(u32 *)(r2 + 0)\nexit\n" + Out, "Invalid type (r7.type" },
        { "moved packet: callee moves the packet under the caller", "r6 = r1\n" + Packet + "r4 = r2\nr4 += 14\nif r4 > r3 goto <out>\nr7 = r2\nr1 = r6\ncall <f>\nr0 = *(u8 *)(r7 + 0)\nexit\n" + Out + "<f>:\nr2 = 8\ncall 44\nr0 = 0\nexit", "Invalid type (r7.type" },
        // ---- invalid helper arguments, per argument kind
        { "helper: unknown id", "call 100000\nr0 = 0\nexit", "invalid helper function id 100000" },
        { "helper: helper of another program type", "r1 = r1\ncall 9\nr0 = 0\nexit", "invalid helper function id 9" },
        { "helper arg ctx: a stack pointer", "r1 = r10\nr2 = 0\ncall 44\nr0 = 0\nexit", "Invalid type (r1.type" },
        { "helper arg ctx: a number", "r1 = 0\nr2 = 0\ncall 44\nr0 = 0\nexit", "Invalid type (r1.type" },
        { "helper arg map: a number", "r1 = 7\nr2 = r10\nr2 += -4\n*(u32 *)(r10 - 4) = 0\ncall 1\nr0 = 0\nexit", "Invalid type (r1.type" },
        { "helper arg map: the context", "*(u32 *)(r10 - 4) = 0\nr2 = r10\nr2 += -4\ncall 1\nr0 = 0\nexit", "Invalid type (r1.type" },
        { "helper arg program array: a data map", "r6 = r1\nr1 = r6\nr2 = map_by_idx 0\nr3 = 0\ncall 12\nr0 = 0\nexit", "Invalid type (r2.type" },
        { "helper arg map key: a number", "r1 = map_by_idx 0\nr2 = 4\ncall 1\nr0 = 0\nexit", "Invalid type (r2.type" },
        { "helper arg map key: the context", "r2 = r1\nr1 = map_by_idx 0\ncall 1\nr0 = 0\nexit", "Invalid type (r2.type" },
        { "helper arg map key: too close to the frame top", "*(u64 *)(r10 - 8) = 0\nr2 = r10\nr2 += -2\nr1 = map_by_idx 0\ncall 1\nr0 = 0\nexit", "Upper bound must be at most" },
        { "helper arg map value: a number", "*(u32 *)(r10 - 4) = 0\nr2 = r10\nr2 += -4\nr3 = 0\nr4 = 0\nr1 = map_by_idx 0\ncall 2\nr0 = 0\nexit", "Invalid type (r3.type" },
        { "helper arg map value: too small a buffer", "*(u64 *)(r10 - 8) = 0\nr2 = r10\nr2 += -4\nr3 = r10\nr3 += -8\nr4 = 0\nr1 = map_by_idx 0\ncall 2\nr0 = 0\nexit", "Upper bound must be at most" },
        { "helper arg memory: size zero where non-zero is required", "*(u64 *)(r10 - 8) = 0\nr1 = r10\nr1 += -8\nr2 = 0\ncall 6\nr0 = 0\nexit", "Invalid size" },
        { "helper arg memory: negative size", "*(u64 *)(r10 - 8) = 0\nr1 = r10\nr1 += -8\nr2 = -1\ncall 6\nr0 = 0\nexit", "Invalid size" },
        { "helper arg memory: unbounded size", "r2 = *(u32 *)(r1 + 12)\n*(u64 *)(r10 - 8) = 0\nr1 = r10\nr1 += -8\ncall 6\nr0 = 0\nexit", "Invalid size" },
        { "helper arg memory: size is a pointer", "*(u64 *)(r10 - 8) = 0\nr2 = r1\nr1 = r10\nr1 += -8\ncall 6\nr0 = 0\nexit", "Invalid type (r2.type == number)" },
        { "helper arg memory: a number as the buffer", "r1 = 4096\nr2 = 8\ncall 16\nr0 = 0\nexit", "Invalid type (r1.type" },
        { "helper arg memory: the context as a writable buffer", "r2 = 8\ncall 16\nr0 = 0\nexit", "Invalid type (r1.type" },
        { "helper arg memory or null: non-zero number", "r1 = 16\nr2 = 4\nr3 = 0\nr4 = 0\nr5 = 0\ncall 28\nr0 = 0\nexit", "Invalid type (r1.type" },
        { "helper arg alloc size: not a constant number", "r2 = r1\nr1 = map_by_idx 0\nr3 = 0\ncall 131\nr0 = 0\nexit", "Invalid type (r2.type == number)" },
        { "helper arg socket: unchecked lookup result released", "r2 = r10\nr2 += -16\n*(u64 *)(r10 - 8) = 0\n*(u64 *)(r10 - 16) = 0\nr3 = 12\nr4 = 0\nr5 = 0\ncall 84\nr1 = r0\ncall 86\nr0 = 0\nexit", "Possible null access" },
        { "helper arg socket: a stack pointer", "r1 = r10\ncall 86\nr0 = 0\nexit", "Invalid type (r1.type" },
        { "helper arg unmodelled: spin lock", Checked + "r1 = r0\ncall 93\n" + Out, "not supported" },
        { "helper arg: bpf_loop callback is a number", "r1 = 10\nr2 = 0\nr3 = 0\nr4 = 0\ncall 181\nr0 = 0\nexit", "Invalid type (r2.type == func)" },
        // ---- unbounded loops
        { "loop: infinite", "<l>:\ngoto <l>", "Loop counter is too large" },
        { "loop: counter never changes", "r1 = 0\n<l>:\nif r1 < 10 goto <l>\nr0 = 0\nexit", "Loop counter is too large" },
        { "loop: counter moves the wrong way", "r1 = 0\n<l>:\nr1 -= 1\nif r1 s< 10 goto <l>\nr0 = 0\nexit", "Loop counter is too large" },
        { "loop: bound read from the context", "r2 = *(u32 *)(r1 + 12)\nr1 = 0\n<l>:\nr1 += 1\nif r1 != r2 goto <l>\nr0 = 0\nexit", "Loop counter is too large" },
        { "loop: equality test that is jumped over", "r1 = 0\n<l>:\nr1 += 2\nif r1 != 9 goto <l>\nr0 = 0\nexit", "Loop counter is too large" },
        { "loop: recursion", "call <f>\nr0 = 0\nexit\n<f>:\ncall <f>\nr0 = 0\nexit", "illegal recursion" },
        { "loop: mutual recursion", "call <f>\nr0 = 0\nexit\n<f>:\ncall <g>\nexit\n<g>:\ncall <f>\nexit", "illegal recursion" },
        { "loop: backward jump over a helper", "<l>:\ncall 7\nif r0 != 0 goto <l>\nexit", "Loop counter is too large" },
        // ---- stack overflow across calls
        { "calls: frames deeper than the call depth", "call <a>\nr0 = 0\nexit\n<a>:\ncall <b>\nexit\n<b>:\ncall <c>\nexit\n<c>:\ncall <d>\nexit\n<d>:\ncall <e>\nexit\n<e>:\ncall <f>\nexit\n<f>:\ncall <g>\nexit\n<g>:\ncall <h>\nexit\n<h>:\nr0 = 0\nexit", "too many call stack frames" },
        { "calls: callee writes into the caller's frame past the top", "call <f>\nr0 = 0\nexit\n<f>:\n*(u64 *)(r10 + 512) = 0\nexit", "Upper bound must be at most" },
        { "calls: callee reads an uninitialized caller slot through a pointer", "r1 = r10\nr1 += -8\ncall <f>\nexit\n<f>:\nr0 = *(u64 *)(r1 + 0)\nexit", "Stack content is not numeric" },
        { "calls: caller's pointer into a dead callee frame", "call <f>\nr1 = *(u64 *)(r0 + 0)\nr0 = 0\nexit\n<f>:\n*(u64 *)(r10 - 8) = 1\nr0 = r10\nr0 += -8\nexit", "Lower bound must be at least r10.stack_offset" },
        { "calls: r6 not restored as a number", "r6 = r1\ncall <f>\nr0 = r6\nexit\n<f>:\nr6 = 0\nr0 = 0\nexit", "Invalid type (r0.type == number)" },
        // ---- division semantics
        { "division: pointer divided by a number", "r1 /= 2\nr0 = 0\nexit", "Invalid type (r1.type == number)" },
        { "division: number divided by a pointer", "r0 = 10\nr0 /= r1\nexit", "Invalid type (r1.type == number)" },
        { "division: signed modulo by a pointer", "r0 = 10\nr0 s%= r10\nexit", "Invalid type (r10.type == number)" },
        { "division: quotient used as an unchecked stack index", "r2 = *(u32 *)(r1 + 12)\nr3 = 1000\nr3 /= r2\nr4 = r10\nr4 -= r3\n*(u8 *)(r4 - 1) = 0\nr0 = 0\nexit", "Lower bound must be at least" },
        { "division: modulo by zero keeps the dividend, too large an index", "r2 = *(u32 *)(r1 + 12)\nr2 &= 1023\nr3 = 0\nr2 %= r3\nr4 = r10\nr4 -= r2\n*(u8 *)(r4 - 1) = 0\nr0 = 0\nexit", "Lower bound must be at least" },
        { "division: signed division by -1 does not shrink", "r2 = *(u32 *)(r1 + 12)\nr2 = -r2\nr2 s/= -1\nr4 = r10\nr4 -= r2\n*(u8 *)(r4 - 1) = 0\nr0 = 0\nexit", "Lower bound must be at least" },
        // ---- tail calls and callx
        { "tail call: the context modified", "r1 += 4\nr2 = map_by_idx 1\nr3 = 0\ncall 12\nr0 = 0\nexit", "Context pointer must be unmodified" },
        { "tail call: a stack pointer as the context", "r1 = r10\nr2 = map_by_idx 1\nr3 = 0\ncall 12\nr0 = 0\nexit", "Invalid type (r1.type" },
        { "tail call: index is a pointer", "r2 = map_by_idx 1\nr3 = r10\ncall 12\nr0 = 0\nexit", "Invalid type (r3.type == number)" },
        { "tail call: program array used as a data map", "*(u32 *)(r10 - 4) = 0\nr2 = r10\nr2 += -4\nr1 = map_by_idx 1\ncall 1\nif r0 == 0 goto <out>\nr0 = *(u32 *)(r0 + 0)\nexit\n" + Out, "Invalid type (r1.type == map_fd)" },
        { "tail call: r0 of a failed tail call is a number, r1 is gone", "r6 = r1\nr2 = map_by_idx 1\nr3 = 0\ncall 12\nr0 = r1\nexit", "Invalid type (r0.type == number)" },
        { "callx: unknown helper id", "r2 = 99999\ncallx r2\nr0 = 0\nexit", "invalid helper function id 99999" },
        { "callx: id not a singleton", "r2 = *(u32 *)(r1 + 12)\ncallx r2\nr0 = 0\nexit", "callx helper function id is not a valid singleton" },
        { "callx: target is a pointer", "callx r1\nr0 = 0\nexit", "Invalid type (r1.type == number)" },
        { "callx: valid id with a pointer leak argument", "r6 = r1\nr1 = r10\nr2 = 0\nr3 = 23\ncallx r3\nr0 = 0\nexit", "Invalid type (r1.type == number)" },
        // ---- eBPF for Windows
        { "win: printk with the context as a number", "r6 = r1\n*(u64 *)(r10 - 8) = 0\nr1 = r10\nr1 += -8\nr2 = 8\nr3 = r6\ncall 13\nr0 = 0\nexit", "Invalid type (r3.type == number)" },
        { "win: memset with a pointer as the fill value", "*(u64 *)(r10 - 8) = 0\nr3 = r1\nr1 = r10\nr1 += -8\nr2 = 8\ncall 24\nr0 = 0\nexit", "Invalid type (r3.type == number)" },
        { "win: pop into a buffer smaller than the value", "*(u32 *)(r10 - 4) = 0\nr1 = map_by_idx 3\nr2 = r10\nr2 += -4\ncall 17\nr0 = 0\nexit", "Upper bound must be at most" },
        { "win: peek buffer read back past what was written", "r1 = map_by_idx 3\nr2 = r10\nr2 += -16\ncall 18\nr0 = *(u64 *)(r10 - 8)\nexit", "Stack content is not numeric" },
        { "win: return the packet pointer", "r0 = *(u64 *)(r1 + 0)\nexit", "Invalid type (r0.type == number)" },
        { "win: uninitialized stack returned", "r0 = *(u64 *)(r10 - 8)\nexit", "Stack content is not numeric" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void UnsafeProgramIsRefused(string name, string program, string expected)
    {
        var platform = name.StartsWith("win:", StringComparison.Ordinal) ? CataloguePlatforms.Windows : CataloguePlatforms.Linux;
        var result = Verifier.Verify(AssemblyParser.Parse(program), platform);
        Assert.False(result.Passed, $"{name}: accepted\n{program}");
        if (expected.Length > 0) Assert.Contains(result.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void CatalogueCoversAtLeastAHundredPrograms() => Assert.True(Cases.Count >= 100, $"{Cases.Count} programs");
}
