using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Pinning;

/// <summary>
/// The pin namespace shared by programs, maps and links: canonical path (see <see cref="PinPath"/>) to object.
/// A pin holds a reference on objects that are <see cref="IReferenceCounted"/>. Enumeration is in ordinal path order.
/// </summary>
public sealed class PinNamespace
{
    private readonly SortedDictionary<string, object> _pins = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The process-wide namespace.</summary>
    public static PinNamespace Global { get; } = new();

    public int Count { get { lock (_lock) return _pins.Count; } }

    /// <summary>Pins <paramref name="target"/> at <paramref name="path"/>: INVALID_ARGUMENT for a bad path,
    /// OBJECT_ALREADY_EXISTS if the path is taken, INVALID_OBJECT for a disposed object.</summary>
    public EbpfResult TryPin(string path, object target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!PinPath.TryCanonicalize(path, out var canonical, out _)) return EbpfResult.InvalidArgument;
        lock (_lock) return PinCanonical(canonical, target);
    }

    public void Pin(string path, object target)
    {
        var canonical = PinPath.Canonicalize(path);
        EbpfResult result;
        lock (_lock) result = PinCanonical(canonical, target);
        if (result == EbpfResult.ObjectAlreadyExists) throw new EbpfException(result, $"pin path '{canonical}' is already taken");
        if (result != EbpfResult.Success) throw new EbpfException(result, $"cannot pin {target} at '{canonical}'");
    }

    private EbpfResult PinCanonical(string canonical, object target)
    {
        if (_pins.ContainsKey(canonical)) return EbpfResult.ObjectAlreadyExists;
        if (target is IReferenceCounted counted)
        {
            try { counted.AddReference(); }
            catch (ObjectDisposedException) { return EbpfResult.InvalidObject; }
        }
        _pins.Add(canonical, target);
        return EbpfResult.Success;
    }

    /// <summary>Removes the pin: INVALID_ARGUMENT for a bad path, OBJECT_NOT_FOUND if nothing is pinned there.</summary>
    public EbpfResult TryUnpin(string path)
    {
        if (!PinPath.TryCanonicalize(path, out var canonical, out _)) return EbpfResult.InvalidArgument;
        object? target;
        lock (_lock)
        {
            if (!_pins.Remove(canonical, out target)) return EbpfResult.ObjectNotFound;
        }
        (target as IReferenceCounted)?.Release();
        return EbpfResult.Success;
    }

    public void Unpin(string path)
    {
        var canonical = PinPath.Canonicalize(path);
        if (TryUnpin(canonical) == EbpfResult.ObjectNotFound)
            throw new EbpfException(EbpfResult.ObjectNotFound, $"nothing is pinned at '{canonical}'");
    }

    /// <summary>The object pinned at <paramref name="path"/>, or null (also for a bad path).</summary>
    public object? TryGet(string path)
    {
        if (!PinPath.TryCanonicalize(path, out var canonical, out _)) return null;
        lock (_lock) return _pins.GetValueOrDefault(canonical);
    }

    /// <summary>The object pinned at <paramref name="path"/>; OBJECT_NOT_FOUND (7) if none, INVALID_OBJECT (5) if of another kind.</summary>
    public T Get<T>(string path) where T : class
    {
        var canonical = PinPath.Canonicalize(path);
        object? target;
        lock (_lock) target = _pins.GetValueOrDefault(canonical);
        return target switch
        {
            null => throw new EbpfException(EbpfResult.ObjectNotFound, $"nothing is pinned at '{canonical}'"),
            T typed => typed,
            _ => throw new EbpfException(EbpfResult.InvalidObject, $"'{canonical}' holds a {target.GetType().Name}, not a {typeof(T).Name}"),
        };
    }

    /// <summary>Pinned paths and objects in ordinal path order (a snapshot).</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Enumerate()
    {
        lock (_lock) return _pins.ToArray();
    }

    /// <summary>
    /// <c>ebpf_get_next_pinned_object_path</c>: the first canonical path ordinally after <paramref name="previous"/>
    /// (null or empty: the first path), or null at the end.
    /// </summary>
    public string? GetNextPath(string? previous)
    {
        string? after = null;
        if (!string.IsNullOrEmpty(previous))
            after = PinPath.TryCanonicalize(previous, out var canonical, out _) ? canonical : previous;
        lock (_lock)
        {
            foreach (var key in _pins.Keys)
                if (after is null || StringComparer.Ordinal.Compare(key, after) > 0) return key;
        }
        return null;
    }

    /// <summary>
    /// Atomically either hands the object at <paramref name="canonicalPath"/> to <paramref name="reuse"/> (which may
    /// throw to refuse it, and takes its own reference) or creates and pins a new one.
    /// </summary>
    internal object GetOrPin(string canonicalPath, Func<object> create, Action<object> reuse, out bool created)
    {
        lock (_lock)
        {
            if (_pins.TryGetValue(canonicalPath, out var existing))
            {
                reuse(existing);
                created = false;
                return existing;
            }
            var target = create();
            var result = PinCanonical(canonicalPath, target);
            if (result != EbpfResult.Success) throw new EbpfException(result, $"cannot pin {target} at '{canonicalPath}'");
            created = true;
            return target;
        }
    }
}
