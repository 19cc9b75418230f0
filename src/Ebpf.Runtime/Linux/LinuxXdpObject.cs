using System.Diagnostics;
using System.Runtime.CompilerServices;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Programs;
using Ebpf.Verifier;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Runtime.Linux;

/// <summary>
/// Runs an unmodified Linux XDP object (clang -target bpf, libbpf headers, Linux helper ids and map types) on the
/// JIT or the interpreter, as <c>bpftool prog run</c> / BPF_PROG_TEST_RUN does in the kernel: maps are created
/// (global data initialised), map references resolved, <c>xdp_md</c> loads rewritten to the real context, and one
/// run follows tail calls. Every program is verified first against the built-in Linux XDP platform, unless the
/// caller asks for an unverified run (<c>verify: false</c>), which then should use the checked mode.
/// </summary>
public sealed class LinuxXdpObject : IDisposable
{
    /// <summary>Linux BPF_MAP_TYPE_DEVMAP: the target of bpf_redirect_map.</summary>
    public const uint DevMapType = 14;
    private const ulong ProgramArrayTag = 0x7072_6f67_0000_0000; // "prog": never a valid user-space pointer
    private readonly Dictionary<string, EbpfMap> _maps = [];
    private readonly Dictionary<string, LinuxProgramArray> _programArrays = [];
    private LinuxProgramArray[] _arraysByToken = [];
    private readonly Dictionary<string, LinuxXdpProgram> _programs = [];
    private readonly Dictionary<string, string> _skipped = [];
    [ThreadStatic] private static LinuxXdpInvocation? t_invocation;
    // Per-CPU maps (and maps of maps, whose inner maps may be) need a leased processor slot; shared maps only an epoch.
    private bool _hasPerCpuMaps;

    private LinuxXdpObject(BpfObject obj, ExecutionEngine engine, ExecutionMode mode)
    {
        Object = obj;
        Engine = engine;
        Mode = mode;
    }

    public BpfObject Object { get; }
    public ExecutionEngine Engine { get; }
    public ExecutionMode Mode { get; }
    public IReadOnlyCollection<LinuxXdpProgram> Programs => _programs.Values;

    /// <summary>Entry programs of other types (e.g. the tc half of an XDP + tc pair), with the reason they were not loaded.</summary>
    public IReadOnlyDictionary<string, string> Skipped => _skipped;
    public HelperTable Helpers { get; } = LinuxHelpers.CreateTable();

    /// <summary>
    /// Opens <paramref name="path"/> with Linux map numbering, verifies every entry program as XDP (unless
    /// <paramref name="verify"/> is false) and loads it; a refused program fails the open, naming it and why.
    /// <paramref name="verifierOptions"/> replaces the defaults (e.g. a larger loop bound, as the kernel allows 1M instructions).
    /// </summary>
    public static LinuxXdpObject Open(string path, ExecutionEngine engine = ExecutionEngine.Jit, ExecutionMode mode = ExecutionMode.Unchecked,
        bool verify = true, VerifierOptions? verifierOptions = null)
    {
        var obj = BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux });
        var result = new LinuxXdpObject(obj, engine, mode);
        try
        {
            if (verify) Verify(obj, verifierOptions ?? VerifierOptions.Default);
            result.CreateMaps();
            foreach (var program in obj.Programs.Where(p => p.Kind == BpfProgramKind.Entry && !IsXdp(obj, p)))
                result._skipped[program.Name] = $"section '{program.SectionName}' is a {LinuxPlatform.ProgramTypeFor(program.SectionName, obj.FileName).Name} program, not XDP";
            foreach (var program in obj.Programs.Where(p => IsXdp(obj, p))) result.LoadProgram(program);
            result.FillProgramArrays();
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    public LinuxXdpProgram Program(string name) => _programs.TryGetValue(name, out var program) ? program
        : throw new LinuxProgramException($"{Object.FileName}: no program '{name}' (has: {string.Join(", ", _programs.Keys)})");

    public EbpfMap Map(string name) => _maps.TryGetValue(name, out var map) ? map
        : throw new LinuxProgramException($"{Object.FileName}: no map '{name}' (has: {string.Join(", ", _maps.Keys)})");

    public LinuxProgramArray ProgramArray(string name) => _programArrays.TryGetValue(name, out var array) ? array
        : throw new LinuxProgramException($"{Object.FileName}: no program array '{name}'");

    /// <summary>The program array <paramref name="token"/> names among <paramref name="arrays"/> (the object's, by token).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static LinuxProgramArray? ProgramArrayByToken(LinuxProgramArray[] arrays, ulong token)
    {
        ulong index = token ^ ProgramArrayTag;
        return index < (ulong)arrays.Length ? arrays[(int)index] : null;
    }

    /// <summary>The object's program arrays, indexed by token (complete once the object is open).</summary>
    internal LinuxProgramArray[] ProgramArraysByToken => _arraysByToken;

    /// <summary>Runs <paramref name="program"/> once on <paramref name="context"/>, following tail calls; returns r0.</summary>
    public ulong Run(LinuxXdpProgram program, ProgramContext context)
    {
        // The epoch keeps map values alive and the processor slot serves per-CPU maps; without maps neither matters.
        if (_maps.Count == 0) return RunUnscoped(program, context, 1, 0);
        using var scope = ProgramExecutionScope.Enter(EpochManager.Shared, _hasPerCpuMaps);
        return RunUnscoped(program, context, 1, _hasPerCpuMaps ? scope.Processor + 1 : 0);
    }

    /// <param name="leasedSlotPlusOne">The slot the caller's scope leased, plus one; 0 when it leased none.</param>
    [SkipLocalsInit]
    private unsafe ulong RunUnscoped(LinuxXdpProgram program, ProgramContext context, int runs, int leasedSlotPlusOne)
    {
        var invocation = t_invocation is { Owner: var owner } cached && owner == this ? cached : t_invocation = new LinuxXdpInvocation(this);
        var regions = Mode == ExecutionMode.Checked ? context.Regions() : null;
        var request = new ExecutionRequest
        {
            R1 = (ulong)context.Context, Regions = regions, HelperState = invocation, LeasedSlotPlusOne = leasedSlotPlusOne,
        };
        var executor = program.Executor;
        var jit = executor as JitExecutor; // called directly: an interface call costs more than a short program
        if (!program.MayTailCall)
        {
            if (runs > 1) return executor.RunRepeated(request, runs);
            return jit is not null ? jit.Run(request) : executor.Run(request);
        }
        // A JIT program that tail-calls gets its stack once for all runs (it enters its targets on that stack).
        bool ownStack = runs > 1 && jit is { RunsOnCallerStack: true };
        byte* stack = stackalloc byte[ownStack ? jit!.StackBytes : 1];
        ulong top = ownStack ? (ulong)(stack + jit!.StackBytes) : 0;
        ulong r0 = 0;
        for (int run = 0; run < runs; run++)
        {
            invocation.TailCalls = 0;
            invocation.PendingTailCall = null;
            r0 = ownStack ? jit!.RunFollowingTailCalls(request, top) : jit is not null ? jit.Run(request) : executor.Run(request);
            while (invocation.PendingTailCall is { } next)
            {
                invocation.PendingTailCall = null;
                r0 = next.Executor.Run(request);
            }
        }
        return r0;
    }

    /// <summary>
    /// Runs <paramref name="program"/> <paramref name="count"/> times on <paramref name="context"/> and returns the last
    /// r0, as BPF_PROG_TEST_RUN's repeat loop does: each run starts afresh and follows its own tail calls, while the
    /// epoch (and for per-CPU maps the processor slot) is held across a batch of runs, as the kernel holds RCU and
    /// disables migration across its loop, and is left between batches so reclamation is never held up for long.
    /// </summary>
    public ulong RunRepeated(LinuxXdpProgram program, ProgramContext context, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ulong r0 = 0;
        for (long done = 0; done < count; done += RepeatBatch)
        {
            int batch = (int)Math.Min(RepeatBatch, count - done);
            if (_maps.Count == 0)
            {
                r0 = RunUnscoped(program, context, batch, 0);
                continue;
            }
            using var scope = ProgramExecutionScope.Enter(EpochManager.Shared, _hasPerCpuMaps);
            r0 = RunUnscoped(program, context, batch, _hasPerCpuMaps ? scope.Processor + 1 : 0);
        }
        return r0;
    }

    /// <summary>Runs per epoch entry in <see cref="RunRepeated"/> (the kernel's test run also yields now and then).</summary>
    private const int RepeatBatch = 4096;

    /// <summary>Runs <paramref name="programName"/> on a copy of <paramref name="packet"/> (BPF_PROG_TEST_RUN semantics).</summary>
    public LinuxXdpResult Run(string programName, ReadOnlySpan<byte> packet)
    {
        using var context = LinuxXdpContext.Create(packet);
        ulong r0 = Run(Program(programName), context);
        return new LinuxXdpResult((uint)r0, LinuxXdpContext.MetaAndData(context).ToArray());
    }

    /// <summary>An entry program whose section names XDP, by the verifier's own section table (PREVAIL's conventions).</summary>
    private static bool IsXdp(BpfObject obj, BpfProgram program) =>
        program.Kind == BpfProgramKind.Entry && LinuxPlatform.ProgramTypeFor(program.SectionName, obj.FileName) == LinuxPlatform.Xdp;

    private static void Verify(BpfObject obj, VerifierOptions options)
    {
        var platform = new LinuxPlatform(LinuxPlatform.Xdp, obj.Maps.Select(LinuxMapDescriptors.From).ToArray());
        foreach (var program in obj.Programs.Where(p => IsXdp(obj, p)))
        {
            var verdict = Verifier.Verifier.Verify(program.Instructions.AsSpan(), platform, options with
            {
                GlobalFunctions = program.CalledGlobalFunctions(program.ContextTypeName),
                SourceLineResolver = i => program.SourceLineAt(i) is { } line ? $"{line.FileName}:{line.Line}: {line.Text.Trim()}" : null,
                Disassembler = i => Disassembler.Format(program.Instructions.AsSpan(), i),
            });
            if (verdict.Errors.FirstOrDefault() is { } error)
                throw new LinuxProgramException($"{obj.FileName}: {program.SectionName}/{program.Name} refused by the verifier: {error}");
        }
    }

    private void CreateMaps()
    {
        foreach (var map in Object.Maps)
        {
            if (map.PlatformType == MapType.ProgArray)
            {
                var array = new LinuxProgramArray(map.Name, (int)map.Definition.MaxEntries, ProgramArrayTag | (uint)_arraysByToken.Length);
                _arraysByToken = [.. _arraysByToken, array];
                _programArrays[map.Name] = array;
                continue;
            }
            if (map.RawType == DevMapType)
            {
                // Slots hold ifindexes (and optionally a program fd); 0 marks an empty slot, as no device has index 0.
                _maps[map.Name] = MapFactory.Create(new MapDefinition(MapType.Array, map.Definition.KeySize, map.Definition.ValueSize, map.Definition.MaxEntries),
                    map.Name.Length > EbpfMap.MaxNameLength ? map.Name[..EbpfMap.MaxNameLength] : map.Name);
                continue;
            }
            if (map.PlatformType is null)
                throw new LinuxProgramException($"{Object.FileName}: map '{map.Name}' has Linux type {map.RawType}, which this runtime does not provide");
            var created = MapFactory.Create(map.Definition, map.Name.Length > EbpfMap.MaxNameLength ? map.Name[..EbpfMap.MaxNameLength] : map.Name);
            _maps[map.Name] = created;
            _hasPerCpuMaps |= map.Definition.IsPerCpu || map.Definition.IsMapOfMaps;
            if (!map.InitialData.IsDefaultOrEmpty) created.Update(new byte[4], map.InitialData.AsSpan());
        }
    }

    private void FillProgramArrays()
    {
        foreach (var map in Object.Maps.Where(m => m.PlatformType == MapType.ProgArray))
        {
            foreach (var (slot, name) in map.InitialSlots) _programArrays[map.Name][slot] = Program(name);
        }
    }

    private void LoadProgram(BpfProgram program)
    {
        long start = Stopwatch.GetTimestamp();
        var code = LinuxContextRewriter.Rewrite(program.Instructions.AsSpan(), LinuxXdpContext.FieldMap, $"{Object.FileName}: {program.Name}");
        bool Resolve(WideImmediate reference, out ulong value) => ResolveMap(program, reference, out value);
        IProgramExecutor executor = Engine == ExecutionEngine.Jit
            ? JitCompiler.Compile(code, Helpers, new JitOptions { Mode = Mode, ResolveWideImmediate = Resolve })
            : new InterpreterExecutor(new Interpreter(code, Helpers, new InterpreterOptions { Mode = Mode, ResolveWideImmediate = Resolve }));
        _programs[program.Name] = new LinuxXdpProgram(program.Name, program.SectionName, code, executor, Stopwatch.GetElapsedTime(start));
    }

    private unsafe bool ResolveMap(BpfProgram program, WideImmediate reference, out ulong value)
    {
        value = 0;
        if (reference.Source is not (PseudoSource.MapFd or PseudoSource.MapValue) || (uint)reference.Imm >= (uint)Object.Maps.Length)
            return false;
        var declared = Object.Maps[reference.Imm];
        if (_programArrays.TryGetValue(declared.Name, out var array))
        {
            value = array.Token;
            return reference.Source == PseudoSource.MapFd;
        }
        var map = _maps[declared.Name];
        if (reference.Source == PseudoSource.MapFd)
        {
            value = (ulong)map.Handle;
            return true;
        }
        if (map is not ArrayMap arrayMap)
            throw new LinuxProgramException($"{Object.FileName}: {program.Name} takes the value address of map '{map.Name}', which is not an array", reference.Index);
        value = (ulong)arrayMap.ElementAddress(0) + (uint)reference.NextImm;
        return true;
    }

    public void Dispose()
    {
        foreach (var map in _maps.Values) map.Dispose();
        _maps.Clear();
    }
}
