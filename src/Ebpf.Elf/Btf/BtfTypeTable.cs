using System.Collections.Immutable;

namespace Ebpf.Elf.Btf;

/// <summary>
/// The decoded <c>.BTF</c> section of an object: types by id (id 0 is void) and the string table. Queries are
/// guarded against reference cycles, which a hostile file can build.
/// </summary>
public sealed class BtfTypeTable
{
    private const int MaxChain = 64;
    private readonly ImmutableArray<BtfType> _types;

    private readonly Lazy<Dictionary<string, BtfType>> _functions;

    internal BtfTypeTable(ImmutableArray<BtfType> types)
    {
        _types = types;
        _functions = new(() =>
        {
            var byName = new Dictionary<string, BtfType>(StringComparer.Ordinal);
            foreach (var t in _types)
                if (t.Kind == BtfKind.Function && t.Name.Length > 0) byName.TryAdd(t.Name, t);
            return byName;
        });
    }

    /// <summary>The first FUNC type named <paramref name="name"/>, or null.</summary>
    public BtfType? FindFunction(string name) => _functions.Value.GetValueOrDefault(name);

    /// <summary>All types; index = type id; index 0 is the void type.</summary>
    public ImmutableArray<BtfType> Types => _types;

    public BtfType? Get(uint id) => id < (uint)_types.Length ? _types[(int)id] : null;

    /// <summary>Follows TYPEDEF, CONST, VOLATILE, RESTRICT and TYPE_TAG to the underlying type; null if broken or cyclic.</summary>
    public BtfType? SkipModifiers(uint id)
    {
        for (int i = 0; i < MaxChain; i++)
        {
            var t = Get(id);
            if (t is null) return null;
            if (t.Kind is not (BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag)) return t;
            id = t.SizeOrType;
        }
        return null;
    }

    /// <summary>The byte size of a type, as libbpf's btf__resolve_size computes it; null if it has none.</summary>
    public ulong? SizeOf(uint id)
    {
        ulong multiplier = 1;
        for (int i = 0; i < MaxChain; i++)
        {
            var t = Get(id);
            if (t is null) return null;
            switch (t.Kind)
            {
                case BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64 or BtfKind.DataSection or BtfKind.Float:
                    return t.SizeOrType != 0 && multiplier > ulong.MaxValue / t.SizeOrType ? null : multiplier * t.SizeOrType;
                case BtfKind.Pointer:
                    return multiplier > ulong.MaxValue / 8 ? null : multiplier * 8;
                case BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag or BtfKind.Variable:
                    id = t.SizeOrType;
                    break;
                case BtfKind.Array:
                    if (t.ArrayCount != 0 && multiplier > ulong.MaxValue / t.ArrayCount) return null;
                    multiplier *= t.ArrayCount;
                    id = t.ArrayElementType;
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    /// <summary>The DATASEC type named <paramref name="name"/>, or null.</summary>
    public BtfType? FindDataSection(string name)
    {
        foreach (var t in _types)
            if (t.Kind == BtfKind.DataSection && t.Name == name) return t;
        return null;
    }
}
