using System.Collections.Frozen;
using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Extensions;

/// <summary>An immutable program-information provider assembled from prototypes and their implementations.</summary>
public sealed class ProgramInformationProvider : IProgramInformationProvider
{
    private readonly FrozenDictionary<uint, HelperFunction> _implementations;
    private readonly IReadOnlyList<(HelperPrototype Prototype, HelperFunction Function)> _helpers;
    private readonly IReadOnlyList<(uint Id, HelperFunction Function)> _overrides;

    public ProgramInformationProvider(
        string name,
        ProgramTypeDescriptor descriptor,
        IEnumerable<(HelperPrototype Prototype, HelperFunction Function)>? helpers = null,
        IEnumerable<(uint Id, HelperFunction Function)>? globalOverrides = null,
        IProgramContextFactory? contextFactory = null,
        PlatformAbi? abi = null,
        IReadOnlyDictionary<int, (int Offset, int Size)>? contextFields = null,
        IReadOnlySet<int>? writableContextFields = null)
    {
        Name = name;
        abi ??= PlatformAbi.Windows;
        ContextFields = contextFields;
        WritableContextFields = writableContextFields;
        _helpers = (helpers ?? []).ToArray();
        _overrides = (globalOverrides ?? []).ToArray();
        foreach (var (id, _) in _overrides)
        {
            if (abi.FindGlobalHelper(id) is null)
                throw new ArgumentException($"Provider {name} overrides helper {id}, which is not a global helper of the {abi.Name} ABI.", nameof(globalOverrides));
        }
        Information = new ProgramInformation(descriptor, _helpers.Select(h => h.Prototype), _overrides.Select(o => o.Id), abi);
        var implementations = new Dictionary<uint, HelperFunction>();
        foreach (var (proto, function) in _helpers)
        {
            if (!implementations.TryAdd(proto.Id, function))
                throw new ArgumentException($"Provider {name} declares helper {proto.Id} twice.", nameof(helpers));
        }
        foreach (var (id, function) in _overrides) implementations[id] = function;
        _implementations = implementations.ToFrozenDictionary();
        ContextFactory = contextFactory ?? new DescriptorContextFactory(descriptor.Context);
    }

    public string Name { get; }
    public ProgramInformation Information { get; }
    public IProgramContextFactory? ContextFactory { get; }
    public IReadOnlyDictionary<int, (int Offset, int Size)>? ContextFields { get; }
    public IReadOnlySet<int>? WritableContextFields { get; }

    public HelperFunction? FindImplementation(uint helperId) => _implementations.GetValueOrDefault(helperId);

    /// <summary>A copy whose helper <paramref name="id"/> has a different prototype (same implementation).</summary>
    public ProgramInformationProvider WithPrototype(uint id, Func<HelperPrototype, HelperPrototype> change) =>
        new(Name, Information.Descriptor,
            _helpers.Select(h => h.Prototype.Id == id ? (change(h.Prototype), h.Function) : h),
            _overrides, ContextFactory, Information.Abi, ContextFields, WritableContextFields);
}
