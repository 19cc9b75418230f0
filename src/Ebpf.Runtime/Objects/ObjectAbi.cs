using System.Collections.Immutable;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Runtime.Objects;

/// <summary>
/// The one rule that tells which ABI an object is compiled for, from the extensions loaded: <see cref="EbpfRuntime.Load(string, ObjectLoadOptions?)"/>
/// and the command line's <c>--platform auto</c> both ask it.
/// </summary>
/// <remarks>
/// Each entry program's section belongs to the ABI whose mapping claims it most closely
/// (<see cref="SectionRegistry.ClosestMappings"/>), if the program fits that ABI's program type; where ABIs claim a
/// section alike (SEC("xdp") is eBPF for Windows' XDP and Linux's), to the one it fits. A program fits no type of an
/// ABI that has no helper by an id it calls (ids mean different helpers in each ABI: a program calling one only Linux
/// numbers is Linux's), nor one whose context it reads outside of or whose packet pointers it reads at another width
/// (64-bit in eBPF for Windows' xdp_md, 32-bit in Linux's). A program that fits no claim says nothing (a Linux
/// sockops program is not eBPF for Windows' sockops). All programs must then agree on one ABI; when a program fits
/// two, the object needs the ABI named.
/// </remarks>
public static class ObjectAbi
{
    /// <summary>
    /// The ABI of <paramref name="obj"/>'s entry programs; null when no loaded extension claims any of them
    /// (<paramref name="problem"/> null: the caller's default applies) or when no single ABI fits
    /// (<paramref name="problem"/> says why, naming the sections, programs and ABIs).
    /// </summary>
    public static PlatformAbi? Choose(ExtensionRegistry extensions, BpfObject obj, out string? problem)
    {
        problem = null;
        var decided = new Dictionary<PlatformAbi, string>(); // an ABI, and a section only it claims
        var undecided = new List<(BpfProgram Program, IReadOnlyList<SectionMapping> Claims)>();
        foreach (var program in obj.Programs)
        {
            if (program.Kind != BpfProgramKind.Entry) continue;
            var claims = extensions.Sections.ClosestMappings(program.SectionName);
            claims = Fitting(extensions, program, claims);
            if (claims.Count == 1) decided.TryAdd(claims[0].Abi, program.SectionName);
            else if (claims.Count > 1) undecided.Add((program, claims));
        }
        if (decided.Count > 1)
        {
            problem = "its programs are in sections of different ABIs: " +
                string.Join(", ", decided.Select(d => $"'{d.Value}' ({d.Key.Name})"));
            return null;
        }
        if (decided.Count == 0 && undecided.Count == 0) return null;
        var candidates = decided.Count == 1 ? new HashSet<PlatformAbi> { decided.Keys.First() } : undecided[0].Claims.Select(c => c.Abi).ToHashSet();
        foreach (var (_, claims) in undecided) candidates.IntersectWith(claims.Select(c => c.Abi));
        if (candidates.Count == 1) return candidates.First();
        if (candidates.Count == 0)
        {
            var (program, claims) = undecided.First(u => decided.Count == 0 || !u.Claims.Any(c => decided.ContainsKey(c.Abi)));
            problem = decided.Count == 1
                ? $"section '{decided.Values.First()}' is {decided.Keys.First().Name}, section '{program.SectionName}' (program '{program.Name}') is {Describe(extensions, claims)}"
                : $"its programs' sections fit no one ABI: section '{program.SectionName}' (program '{program.Name}') is {Describe(extensions, claims)}";
            return null;
        }
        var (first, both) = undecided.First();
        problem = $"section '{first.SectionName}' means a program type of each of {Describe(extensions, both)}, and program '{first.Name}' " +
            "fits both by the helpers it calls and the context fields it reads: name the platform";
        return null;
    }

    /// <summary>
    /// The claims under whose ABI every helper id <paramref name="program"/> calls names a helper (a global one of the
    /// ABI, or one of the claiming program type's own) and that its context reads fit. What the ABI names counts, not
    /// what a provider here implements: an unimplemented helper fails the load with its own message, in the right ABI.
    /// </summary>
    private static IReadOnlyList<SectionMapping> Fitting(ExtensionRegistry extensions, BpfProgram program, IReadOnlyList<SectionMapping> claims)
    {
        var helpers = ExtensionRegistry.CalledHelperIds(program.Instructions);
        var contextLoads = ContextLoads(program.Instructions);
        var fitting = claims.Where(c => extensions.FindProgramInformation(c.ProgramType) is { } provider &&
            helpers.All(id => Names(provider.Information, id)) &&
            contextLoads.All(load => Reads(provider.Information, load.Offset, load.Size))).ToArray();
        return fitting;
    }

    /// <summary>
    /// A context load fits a program type when it lies inside its context and reads a packet pointer field at the
    /// ABI's pointer width (eBPF for Windows' xdp_md holds 64-bit pointers; Linux's 32-bit fields at other offsets).
    /// </summary>
    private static bool Reads(ProgramInformation information, int offset, int size)
    {
        var context = information.Descriptor.Context;
        if (offset < 0 || offset + size > context.Size) return false;
        bool pointerField = context.HasPacket && (offset == context.Data || offset == context.End || context.Meta >= 0 && offset == context.Meta);
        return !pointerField || size == information.Abi.ContextPointerWidth;
    }

    /// <summary>
    /// The loads (offset, size) the program makes from its context (r1 at entry, and registers copied from it) on its
    /// first straight stretch of code: up to where paths join, the first jump that always leaves, or the context is
    /// no longer held. Enough to see how a program reads its packet pointers, which it does first.
    /// </summary>
    private static List<(int Offset, int Size)> ContextLoads(ImmutableArray<Instruction> code)
    {
        var loads = new List<(int, int)>();
        int context = 1 << 1; // a bit per register holding the context
        var joins = new HashSet<int>();
        for (int pc = 0; pc < code.Length && context != 0 && !joins.Contains(pc); pc++)
        {
            var insn = code[pc];
            int dst = 1 << insn.Dst;
            switch (insn.Class)
            {
                case OpClass.Ldx:
                    if ((context >> insn.Src & 1) != 0 && insn.Mode is AccessMode.Mem or AccessMode.MemSx)
                        loads.Add((insn.Offset, insn.AccessSize.Bytes()));
                    context &= ~dst;
                    break;
                case OpClass.Alu64 when insn.Operation == (byte)AluOp.Mov && insn.UsesSrcRegister && insn.Offset == 0:
                    context = (context >> insn.Src & 1) != 0 ? context | dst : context & ~dst;
                    break;
                case OpClass.Alu64 or OpClass.Alu32:
                    context &= ~dst;
                    break;
                case OpClass.Ld:
                    context &= ~dst;
                    if (insn.IsWideLoad) pc++;
                    break;
                case OpClass.Jmp or OpClass.Jmp32:
                    if (insn.Opcode == OpCodes.Call && insn.Src != PseudoSource.HelperCall) return loads; // into a function
                    if (insn.Opcode == OpCodes.Call) { context &= ~0x3F; break; } // r0-r5 clobbered
                    if (insn.Opcode is OpCodes.Exit or OpCodes.Ja) return loads;
                    joins.Add(pc + 1 + insn.Offset);
                    break;
                case OpClass.Stx when insn.Mode == AccessMode.Atomic:
                    context &= ~(1 << insn.Src); // a fetching atomic may write its source register
                    break;
            }
        }
        return loads;
    }

    private static bool Names(ProgramInformation information, uint id) =>
        (id <= GlobalHelpers.MaxGlobalHelperId ? information.Abi.FindGlobalHelper(id) : information.FindHelper(id)) is not null;

    private static string Describe(ExtensionRegistry extensions, IEnumerable<SectionMapping> claims) =>
        string.Join(" and ", claims.Select(c =>
            $"{c.Abi.Name} ({extensions.FindProgramInformation(c.ProgramType)?.Information.Descriptor.Name ?? c.ProgramType.ToString()})"));
}
