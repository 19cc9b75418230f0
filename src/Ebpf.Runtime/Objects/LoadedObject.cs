using System.Collections.Frozen;
using Ebpf.Elf;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Objects;

/// <summary>
/// An object after load (libbpf's bpf_object after bpf_object__load): its maps created (or reused from pins) and
/// initialised, its entry programs loaded and bound. Disposing it unloads the programs (their links are detached)
/// and drops the object's references on its maps; pinned maps live on in the pin namespace.
/// </summary>
public sealed class LoadedObject : IDisposable
{
    private readonly ExtensionRegistry _registry;
    private readonly IReadOnlyList<EbpfMap> _mapsByIndex;
    private readonly Action<EbpfProgram> _forget;
    private int _disposed;

    internal LoadedObject(BpfObject source, ExtensionRegistry registry, IReadOnlyList<EbpfMap> mapsByIndex,
        IReadOnlyList<EbpfProgram> programs, IReadOnlySet<string> reusedPins, Action<EbpfProgram> forget,
        Ebpf.Platform.PlatformAbi abi, IReadOnlyDictionary<string, string> skipped)
    {
        Abi = abi;
        Skipped = skipped;
        _forget = forget;
        Source = source;
        _registry = registry;
        _mapsByIndex = mapsByIndex;
        ProgramList = programs;
        Programs = programs.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
        Maps = source.Maps.Select((m, i) => KeyValuePair.Create(m.Name, mapsByIndex[i])).ToFrozenDictionary(StringComparer.Ordinal);
        ReusedPinnedMaps = reusedPins;
    }

    /// <summary>The object file this was loaded from.</summary>
    public BpfObject Source { get; }

    public string Name => Source.Name;

    /// <summary>The ABI the object was loaded as (its helper ids and map type numbers).</summary>
    public Ebpf.Platform.PlatformAbi Abi { get; }

    /// <summary>Entry programs left out (<see cref="ObjectLoadOptions.ProgramTypes"/>), by name, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Skipped { get; }

    /// <summary>Loaded entry programs by function name.</summary>
    public IReadOnlyDictionary<string, EbpfProgram> Programs { get; }

    /// <summary>Loaded entry programs in object order.</summary>
    public IReadOnlyList<EbpfProgram> ProgramList { get; }

    /// <summary>The object's maps by name (global data included, under the names the object gives them).</summary>
    public IReadOnlyDictionary<string, EbpfMap> Maps { get; }

    /// <summary>The maps in object order: index i is what the object's lddw map references with imm = i use.</summary>
    public IReadOnlyList<EbpfMap> MapsByIndex => _mapsByIndex;

    /// <summary>Names of LIBBPF_PIN_BY_NAME maps that were already pinned and were reused instead of created.</summary>
    public IReadOnlySet<string> ReusedPinnedMaps { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The program named <paramref name="name"/>; <see cref="EbpfResult.ObjectNotFound"/> naming the choices otherwise.</summary>
    public EbpfProgram Program(string name)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Programs.TryGetValue(name, out var program)) return program;
        string loaded = ProgramList.Count == 0 ? "none" : string.Join(", ", ProgramList.Select(p => p.Name));
        throw new EbpfException(EbpfResult.ObjectNotFound, Skipped.TryGetValue(name, out string? why)
            ? $"{Source.FileName}: program '{name}' was not loaded: {why}; loaded: {loaded}"
            : $"{Source.FileName}: no program named '{name}'; programs: {loaded}");
    }

    /// <summary>The map named <paramref name="name"/>; <see cref="EbpfResult.ObjectNotFound"/> naming the choices otherwise.</summary>
    public EbpfMap Map(string name)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return Maps.TryGetValue(name, out var map) ? map : throw new EbpfException(EbpfResult.ObjectNotFound,
            $"{Source.FileName}: no map named '{name}'; maps: {string.Join(", ", Source.Maps.Select(m => m.Name))}");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var program in ProgramList)
        {
            _registry.UnloadProgram(program);
            _forget(program);
        }
        foreach (var map in _mapsByIndex) map.Dispose();
    }

    public override string ToString() => $"{Name}: {ProgramList.Count} programs, {_mapsByIndex.Count} maps";
}
