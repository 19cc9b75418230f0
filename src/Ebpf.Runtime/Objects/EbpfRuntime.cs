using System.Collections.Concurrent;
using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Native;
using Ebpf.Runtime.Pinning;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tracing;

namespace Ebpf.Runtime.Objects;

/// <summary>
/// The execution context: an <see cref="ExtensionRegistry"/> wired to the core helpers (and a verifier, when
/// given), a <see cref="PinNamespace"/>, and what turns an opened <see cref="BpfObject"/> into maps and running
/// programs (<see cref="Load(BpfObject, ObjectLoadOptions?)"/>) and runs a program on test input
/// (<see cref="TestRun"/>, as <c>bpf_prog_test_run_opts</c>).
/// </summary>
public sealed class EbpfRuntime : IProgramResolver
{
    private readonly ConcurrentDictionary<uint, EbpfProgram> _programs = new();
    // Checked runs may touch the object's global data through lddw map-value addresses: grant it to its programs.
    private readonly ConcurrentDictionary<EbpfProgram, MemoryRegion[]> _globalData = new();

    /// <param name="verifier">Proves programs safe at load; without one, only loads with <see cref="ObjectLoadOptions.Unverified"/> succeed.</param>
    /// <param name="pins">The pin namespace LIBBPF_PIN_BY_NAME maps use; a private one when null.</param>
    public EbpfRuntime(IProgramVerifier? verifier = null, PinNamespace? pins = null, EpochManager? epochs = null)
    {
        Extensions = new ExtensionRegistry(CoreHelpers.Find, verifier, epochs, new SectionRegistry());
        Pins = pins ?? new PinNamespace();
    }

    public ExtensionRegistry Extensions { get; }
    public PinNamespace Pins { get; }
    public SectionRegistry Sections => Extensions.Sections;

    /// <summary>Loads an extension: its sections, program types and hooks become available.</summary>
    public EbpfRuntime Use(IExtension extension)
    {
        Extensions.Load(extension);
        return this;
    }

    /// <summary>
    /// Opens an object file with this runtime's sections, in the map type numbering of its ABI (the one
    /// <see cref="ObjectLoadOptions.Abi"/> names, else <see cref="ChooseAbi"/>'s), and loads it.
    /// </summary>
    public LoadedObject Load(string path, ObjectLoadOptions? options = null) => Load(BpfObject.ReadFile(path), path, options);

    /// <summary>
    /// As <see cref="Load(string, ObjectLoadOptions?)"/>, for object bytes received from elsewhere (a client of a
    /// service); <paramref name="fileName"/> names the object in errors and gives its name. Native module bytes
    /// (<c>ebpf compile</c>'s output) load as the module.
    /// </summary>
    public LoadedObject Load(ReadOnlyMemory<byte> bytes, string fileName, ObjectLoadOptions? options = null)
    {
        if (NativeModule.IsModule(bytes.Span)) return Load(NativeModule.Read(bytes.ToArray(), fileName), options);
        var open = new BpfObjectOpenOptions
        {
            Sections = Sections, MapTypeNumbering = (options?.Abi ?? PlatformAbi.Windows).MapTypes,
            ObjectName = Path.GetFileNameWithoutExtension(fileName),
        };
        var obj = BpfObject.Open(bytes, fileName, open);
        var abi = options?.Abi ?? ChooseAbi(obj);
        // Only map types read differently in another numbering: the programs that decided the ABI are the same.
        if (abi.MapTypes != obj.MapTypeNumbering) obj = BpfObject.Open(bytes, fileName, open with { MapTypeNumbering = abi.MapTypes });
        return Load(obj, (options ?? ObjectLoadOptions.Default) with { Abi = abi });
    }

    /// <summary>
    /// Loads a native module as an object: its maps are created and initialised as an object's, and each program
    /// loads with the module's code and hash instead of being verified and compiled: the hash is computed again
    /// from the provider serving the program's type now, and a mismatch refuses the load
    /// (<see cref="EbpfResult.InvalidArgument"/>, naming both hashes). A module compiled unverified loads only with
    /// <see cref="ObjectLoadOptions.Unverified"/>. Each load has its own maps and programs.
    /// </summary>
    public LoadedObject Load(NativeModule module, ObjectLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        options ??= ObjectLoadOptions.Default;
        if (module.Unverified && !options.Unverified)
            throw new EbpfException(EbpfResult.VerificationFailed,
                $"{module.FileName}: the module was compiled with --unverified; load it only as unverified");
        // The module names the ABI it was compiled for; the runtime's claims on its sections say whether it loads so.
        var abi = options.Abi ?? ModuleAbi(module);
        if (abi.Name != module.AbiName)
            throw new EbpfException(EbpfResult.InvalidArgument,
                $"{module.FileName}: the module was compiled for the {module.AbiName} ABI, but would load as a {abi.Name} object");
        return Load(module.Object, options with { Abi = abi, NativePrograms = module.Programs });
    }

    /// <summary>The ABI named <see cref="NativeModule.AbiName"/> among those claiming the module's sections (eBPF for Windows' by default).</summary>
    private PlatformAbi ModuleAbi(NativeModule module) =>
        module.Object.Programs.SelectMany(p => Sections.ClosestMappings(p.SectionName)).Select(m => m.Abi)
            .FirstOrDefault(abi => abi.Name == module.AbiName) ?? (PlatformAbi.Windows.Name == module.AbiName ? PlatformAbi.Windows
            : throw new EbpfException(EbpfResult.InvalidArgument,
                $"{module.FileName}: the module was compiled for the {module.AbiName} ABI, which no extension loaded here provides"));

    /// <summary>
    /// The ABI <paramref name="obj"/> is compiled for, by <see cref="ObjectAbi.Choose"/> over this runtime's
    /// extensions; eBPF for Windows' when none of them claims any of its sections. INVALID_ARGUMENT naming the
    /// sections when the ABI must be named (<see cref="ObjectLoadOptions.Abi"/>, <c>--platform</c>).
    /// </summary>
    public PlatformAbi ChooseAbi(BpfObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return ObjectAbi.Choose(Extensions, obj, out string? problem) ?? (problem is null ? PlatformAbi.Windows
            : throw new EbpfException(EbpfResult.InvalidArgument, $"{obj.FileName}: cannot tell which platform the object is for: {problem}"));
    }

    /// <summary>
    /// Checks the object's map definitions (<see cref="BpfObject.ValidateMaps"/>: a violation is INVALID_ARGUMENT
    /// naming the map and the field), creates the object's maps (global data sections become one-entry arrays holding their initial bytes;
    /// LIBBPF_PIN_BY_NAME maps reuse a compatible pinned map or are pinned), loads every entry program against
    /// the extension that claims its section (map references resolve to map handles and global-data addresses),
    /// then fills program arrays and map-in-maps from their declared initial slots. Any failure undoes the load.
    /// </summary>
    public LoadedObject Load(BpfObject obj, ObjectLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        options ??= ObjectLoadOptions.Default;
        var abi = options.Abi ?? ChooseAbi(obj);
        if (obj.MapTypeNumbering != abi.MapTypes)
            throw new EbpfException(EbpfResult.InvalidArgument,
                $"{obj.FileName}: opened with {obj.MapTypeNumbering} map type numbers, but loaded as a {abi.Name} object (which numbers them as {abi.MapTypes})");
        var maps = new List<EbpfMap>(obj.Maps.Length);
        var programs = new List<EbpfProgram>();
        var skipped = new Dictionary<string, string>(StringComparer.Ordinal);
        var reused = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            obj.ValidateMaps(options.MapLimits);
        }
        catch (BpfObjectException e)
        {
            throw new EbpfException(EbpfResult.InvalidArgument, e.Message);
        }
        try
        {
            foreach (var declared in obj.Maps) maps.Add(CreateMap(obj, declared, abi, reused, options.MapLimits));
            var addresses = new ObjectMapAddresses(maps);
            var definitions = obj.Maps.Select(m => DefinitionOf(obj, m, abi)).ToArray();
            foreach (var program in obj.Programs)
            {
                if (program.Kind != BpfProgramKind.Entry) continue;
                var mapping = options.NativePrograms is null ? Sections.Resolve(program.SectionName, abi) : program.SectionMapping;
                if (options.ProgramTypes is { } wanted && (mapping is null || !wanted.Contains(mapping.ProgramType)))
                {
                    skipped[program.Name] = mapping is null
                        ? $"section '{program.SectionName}' names no {abi.Name} program type here"
                        : $"section '{program.SectionName}' is a {Extensions.FindProgramInformation(mapping.ProgramType)?.Information.Descriptor.Name ?? mapping.ProgramType.ToString()} program, not one of the types asked for";
                    continue;
                }
                var loaded = LoadProgram(obj, program, mapping, addresses.TryResolve, definitions, options);
                programs.Add(loaded);
                _programs[loaded.Id] = loaded;
            }
            var globalData = GlobalDataRegions(obj, maps);
            foreach (var program in programs) _globalData[program] = globalData;
            var loadedObject = new LoadedObject(obj, Extensions, maps, programs, reused, Forget, abi, skipped);
            for (int i = 0; i < obj.Maps.Length; i++)
            {
                if (!reused.Contains(obj.Maps[i].Name)) FillInitialSlots(obj, obj.Maps[i], maps[i], loadedObject);
            }
            EbpfEventSource.Log.ObjectLoaded(obj.Name, programs.Count, maps.Count);
            return loadedObject;
        }
        catch
        {
            foreach (var program in programs)
            {
                Extensions.UnloadProgram(program);
                Forget(program);
            }
            foreach (var map in maps) map.Dispose();
            throw;
        }
    }

    private void Forget(EbpfProgram program)
    {
        _programs.TryRemove(program.Id, out _);
        _globalData.TryRemove(program, out _);
    }

    private static unsafe MemoryRegion[] GlobalDataRegions(BpfObject obj, List<EbpfMap> maps)
    {
        var regions = new List<MemoryRegion>();
        for (int i = 0; i < obj.Maps.Length; i++)
        {
            if (obj.Maps[i].Kind == BpfMapKind.GlobalData && maps[i] is ArrayMap array)
                regions.Add(MemoryRegion.Of(array.ElementAddress(0), (ulong)array.ValueSize,
                    obj.Maps[i].IsReadOnly ? MemoryAccess.Read : MemoryAccess.ReadWrite, $"global data '{obj.Maps[i].Name}'"));
        }
        return [.. regions];
    }

    /// <summary>The program with this id, if this runtime loaded it (PROG_ARRAY updates from user mode carry ids).</summary>
    public IProgramReference? ResolveProgram(uint id) =>
        _programs.TryGetValue(id, out var program) && program.IsBound ? program : null;

    /// <summary>
    /// Runs <paramref name="program"/> on a context its extension builds from <see cref="TestRunOptions.ContextIn"/>
    /// and <see cref="TestRunOptions.DataIn"/>, <see cref="TestRunOptions.Repeat"/> times (0 counts as 1). A program
    /// type whose extension cannot build test contexts, or input the context refuses, gives
    /// <see cref="EbpfResult.InvalidArgument"/>.
    /// </summary>
    public unsafe TestRunResult TestRun(EbpfProgram program, TestRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        options ??= TestRunOptions.Default;
        if (options.Repeat < 0)
            throw new EbpfException(EbpfResult.InvalidArgument, $"test run of {program.Name}: repeat must not be negative, not {options.Repeat}");
        int repeat = Math.Max(1, options.Repeat);
        var provider = Extensions.FindProgramInformation(program.ProgramType);
        var factory = provider?.ContextFactory ?? throw new EbpfException(EbpfResult.InvalidArgument,
            provider is null
                ? $"test run of {program.Name}: no extension serves program type '{program.ProgramTypeName}' ({program.ProgramType})"
                : $"test run of {program.Name}: the '{program.ProgramTypeName}' extension ({provider.Name}) cannot build test contexts");

        ProgramContext context;
        try
        {
            context = factory.Create(options.ContextIn.Span, options.DataIn.Span);
        }
        catch (ArgumentException e)
        {
            string reason = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
            throw new EbpfException(EbpfResult.InvalidArgument, $"test run of {program.Name} ({program.ProgramTypeName}): {reason}");
        }

        using (context)
        {
            MemoryRegion[] regions = [.. context.Regions(), .. _globalData.GetValueOrDefault(program) ?? []];
            long start = Stopwatch.GetTimestamp();
            var result = program.InvokeRepeated(context.Context, regions, repeat);
            double elapsed = RuntimeMetrics.NanosecondsSince(start);
            if (!result.Ran)
                throw new EbpfException(result.Result, $"test run of {program.Name}: the program did not run; its extension is not available");
            ulong r0 = result.ReturnValue;
            var contextOut = context.ContextBytes[..factory.ContextOutLength(context)].ToArray();
            // The data pointers are addresses in this process: meaningless to the caller, so they are cleared.
            foreach (int offset in (ReadOnlySpan<int>)[context.DataOffset, context.EndOffset, context.MetaOffset])
            {
                if (offset >= 0 && offset + 8 <= contextOut.Length) contextOut.AsSpan(offset, 8).Clear();
            }
            return new TestRunResult(r0, factory.DataOut(context).ToArray(), contextOut, (ulong)(elapsed / repeat), repeat);
        }
    }

    /// <summary>
    /// The map a declaration makes here: its own type, or the ABI's stand-in for a type this runtime lacks; the type as
    /// declared stays in <see cref="MapDefinition.AbiType"/> for the verifier.
    /// </summary>
    private static MapDefinition DefinitionOf(BpfObject obj, BpfMap declared, PlatformAbi abi) =>
        declared.PlatformType is not null ? obj.DefinitionInAbi(declared)
        : abi.StandInFor(declared.RawType) is { } standIn ? obj.DefinitionInAbi(declared) with { Type = standIn }
        : throw new EbpfException(EbpfResult.InvalidArgument,
            $"{obj.FileName}: map '{declared.Name}' has type {declared.RawType}, which this platform does not know");

    private EbpfMap CreateMap(BpfObject obj, BpfMap declared, PlatformAbi abi, HashSet<string> reused, MapLimits? limits)
    {
        var definition = DefinitionOf(obj, declared, abi);
        EbpfMap map;
        try
        {
            map = MapFactory.CreateOrReusePinned(definition, declared.Name, Pins, out bool wasPinned, programResolver: this, limits: limits);
            if (wasPinned) reused.Add(declared.Name);
        }
        catch (EbpfMapException e)
        {
            throw new EbpfException(e.Result, $"{obj.FileName}: creating map '{declared.Name}' failed: {e.Message}");
        }
        if (!declared.InitialData.IsDefaultOrEmpty && !reused.Contains(declared.Name))
        {
            // Global data: a one-entry array whose value is the section's bytes.
            var result = map.TryUpdate(BitConverter.GetBytes(0u), declared.InitialData.AsSpan());
            if (result != EbpfResult.Success)
            {
                map.Dispose();
                throw new EbpfException(result, $"{obj.FileName}: initialising map '{declared.Name}' with {declared.InitialData.Length} bytes failed");
            }
        }
        return map;
    }

    private EbpfProgram LoadProgram(BpfObject obj, BpfProgram program, SectionMapping? resolved, WideImmediateResolver resolver,
        IReadOnlyList<MapDefinition> maps, ObjectLoadOptions options)
    {
        var mapping = resolved ?? program.SectionMapping ?? throw new EbpfException(EbpfResult.InvalidArgument,
            $"{obj.FileName}: program {program.Name} is in section '{program.SectionName}', which no loaded extension claims " +
            $"(known sections: {string.Join(", ", Sections.Mappings.Select(m => m.IsPrefix ? m.Section + "*" : m.Section))})");
        // An external function a loaded extension exports is BTF-resolved; any other is a load error.
        program = program.WithBtfFunctions(name => Extensions.FindBtfFunction(name)?.Function);
        if (program.UnresolvedCalls.Length > 0)
        {
            var call = program.UnresolvedCalls[0];
            throw new EbpfException(EbpfResult.ProgramLoadFailed,
                $"{obj.FileName}: program {program.Name} calls '{call.Symbol}' at instruction {call.InstructionIndex}, which the object " +
                "does not define and no loaded extension exports as a BTF-resolved function");
        }
        var native = options.NativePrograms?.GetValueOrDefault(program.Name);
        var request = new ProgramLoadRequest(program.Name, program.SectionName, mapping.ProgramType, program.Instructions)
        {
            Native = native,
            ExpectedHash = native?.Hash,
            BtfFunctions = program.BtfFunctions,
            ExpectedAttachType = mapping.AttachType,
            Engine = options.Engine,
            WideImmediates = resolver,
            Maps = maps,
            GlobalFunctions = program.CalledGlobalFunctions(program.ContextTypeName),
            Unverified = options.Unverified,
            Mode = native?.Mode ?? options.Mode ?? (options.Unverified ? ExecutionMode.Checked : ExecutionMode.Unchecked),
            InstructionBudget = native?.InstructionBudget ?? options.InstructionBudget,
        };
        try
        {
            return Extensions.LoadProgram(request);
        }
        catch (Exception e) when (e is ProgramLoadException or InstructionDecodeException)
        {
            throw new EbpfException(EbpfResult.ProgramLoadFailed, $"{obj.FileName}: program {program.Name} (section {program.SectionName}): {e.Message}");
        }
    }

    private static void FillInitialSlots(BpfObject obj, BpfMap declared, EbpfMap map, LoadedObject loaded)
    {
        foreach (var (slot, name) in declared.InitialSlots)
        {
            // A slot index is a u32 key, zero-extended for wider map-in-map keys.
            var key = new byte[Math.Max(sizeof(uint), map.KeySize)];
            BitConverter.TryWriteBytes(key, (uint)slot);
            switch (map)
            {
                case ProgramArrayMap programs:
                    if (!loaded.Programs.TryGetValue(name, out var program))
                        throw new EbpfException(EbpfResult.InvalidArgument,
                            $"{obj.FileName}: program array '{declared.Name}' slot {slot} names '{name}', which is not a loaded program of the object");
                    var stored = programs.TrySetProgram((uint)slot, program);
                    if (stored != EbpfResult.Success)
                        throw new EbpfException(stored,
                            $"{obj.FileName}: program array '{declared.Name}' slot {slot}: cannot store {name} ({program.ProgramTypeName})");
                    break;
                case MapOfMaps outer:
                    if (!loaded.Maps.TryGetValue(name, out var inner))
                        throw new EbpfException(EbpfResult.InvalidArgument,
                            $"{obj.FileName}: map-in-map '{declared.Name}' slot {slot} names '{name}', which is not a map of the object");
                    var set = outer.TrySetInnerMap(key.AsSpan(0, outer.KeySize), inner);
                    if (set != EbpfResult.Success)
                        throw new EbpfException(set, $"{obj.FileName}: map-in-map '{declared.Name}' slot {slot}: cannot store map '{name}'");
                    break;
                default:
                    throw new EbpfException(EbpfResult.InvalidArgument,
                        $"{obj.FileName}: map '{declared.Name}' ({map.Type}) declares initial slots, but only program arrays and map-in-maps take them");
            }
        }
    }
}
