using System.Runtime.InteropServices;
using Ebpf.Platform;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// What HASH_OF_MAPS and ARRAY_OF_MAPS share: the inner-map template, id-based user-mode values (a 4-byte map
/// id in, the inner map's id out) and a typed API (<see cref="SetInnerMap"/>, <see cref="GetInnerMap"/>).
/// Each stored inner map holds a reference, released when it is replaced, removed or the outer map goes.
/// A program lookup returns the inner map's handle (<see cref="EbpfMap.Handle"/>), usable as a map argument.
/// Programs cannot update or delete entries (<see cref="EbpfResult.OperationNotSupported"/>).
/// </summary>
public abstract unsafe class MapOfMaps : EbpfMap
{
    private protected MapOfMaps(string name, MapDefinition definition, MapDefinition template, uint templateMapId) : base(name, definition)
    {
        InnerTemplate = template;
        _templateMapId = templateMapId;
    }

    private readonly uint _templateMapId;

    private protected override uint InnerMapId => _templateMapId;

    /// <summary>The shape every inner map must have.</summary>
    public MapDefinition InnerTemplate { get; }

    /// <summary>Stores <paramref name="inner"/> under <paramref name="key"/>; mismatching the template gives <see cref="EbpfResult.InvalidObject"/>.</summary>
    public EbpfResult TrySetInnerMap(ReadOnlySpan<byte> key, EbpfMap inner, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (key.Length != KeySize || flags > MapUpdateFlags.Exist) return EbpfResult.InvalidArgument;
        if (IsDisposed) return EbpfResult.InvalidObject;
        using var epoch = Epoch.Enter();
        return Store(key, inner, flags);
    }

    public void SetInnerMap(ReadOnlySpan<byte> key, EbpfMap inner, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        var result = TrySetInnerMap(key, inner, flags);
        if (result == EbpfResult.InvalidObject)
            throw new EbpfMapException(result, $"{Type} map '{Name}': inner map '{inner.Name}' does not match the template ({InnerMapTemplate.Describe(InnerTemplate, inner)})");
        if (result != EbpfResult.Success)
            throw new EbpfMapException(result, $"{Type} map '{Name}': storing inner map '{inner.Name}' failed");
    }

    /// <summary>The inner map stored under <paramref name="key"/>, or null.</summary>
    public EbpfMap? GetInnerMap(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize || IsDisposed) return null;
        using var epoch = Epoch.Enter();
        fixed (byte* k = key)
        {
            nint handle = FindHandle(k);
            return handle == 0 ? null : FromHandle(handle);
        }
    }

    private EbpfResult Store(ReadOnlySpan<byte> key, EbpfMap inner, MapUpdateFlags flags)
    {
        if (inner.IsDisposed) return EbpfResult.InvalidFd;
        var check = InnerMapTemplate.Check(InnerTemplate, inner);
        if (check != EbpfResult.Success) return check;
        inner.AddReference();
        var result = StoreHandle(key, inner.Handle, flags);
        if (result != EbpfResult.Success) inner.Release();
        return result;
    }

    /// <summary>Handle stored under the key, or 0. Caller is inside an epoch.</summary>
    private protected abstract nint FindHandle(byte* key);

    /// <summary>Stores a handle whose reference the caller already took; replaced handles are released by the store.</summary>
    private protected abstract EbpfResult StoreHandle(ReadOnlySpan<byte> key, nint handle, MapUpdateFlags flags);

    /// <summary>Releases the reference held through a stored handle value.</summary>
    private protected static void ReleaseHandle(nint handle)
    {
        if (handle != 0) FromHandle(handle).Release();
    }

    public override byte* LookupForProgram(byte* key) => (byte*)FindHandle(key);

    protected override EbpfResult LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        fixed (byte* k = key)
        {
            nint handle = FindHandle(k);
            if (handle == 0) return EbpfResult.ObjectNotFound;
            MemoryMarshal.Write(value, ((MapHandleBlock*)handle)->Id);
            return EbpfResult.Success;
        }
    }

    protected override EbpfResult UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags)
    {
        var inner = MapRegistry.TryGet(MemoryMarshal.Read<uint>(value));
        return inner is null ? EbpfResult.InvalidFd : Store(key, inner, flags);
    }
}
