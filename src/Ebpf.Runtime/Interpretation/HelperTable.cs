namespace Ebpf.Runtime.Interpretation;

/// <summary>Helpers by id. The interpreter resolves every <c>call imm</c> against it when a program is loaded.</summary>
public sealed class HelperTable
{
    private readonly Dictionary<uint, (string Name, HelperFunction Function)> _helpers = [];

    public HelperTable Add(uint id, string name, HelperFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (!_helpers.TryAdd(id, (name, function)))
            throw new ArgumentException($"helper {id} ({_helpers[id].Name}) is already registered", nameof(id));
        return this;
    }

    public bool TryGet(ulong id, out HelperFunction function)
    {
        if (id <= uint.MaxValue && _helpers.TryGetValue((uint)id, out var entry))
        {
            function = entry.Function;
            return true;
        }
        function = null!;
        return false;
    }

    public string? NameOf(uint id) => _helpers.TryGetValue(id, out var entry) ? entry.Name : null;

    public IEnumerable<uint> Ids => _helpers.Keys;

    public int Count => _helpers.Count;
}
