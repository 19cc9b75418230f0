namespace Ebpf.Platform;

/// <summary>The key or value sizes a map type takes, in bytes, both ends inclusive.</summary>
public readonly record struct MapSizeRange(uint Min, uint Max)
{
    public static MapSizeRange Exactly(uint size) => new(size, size);
    public static MapSizeRange AtLeast(uint min, uint max = int.MaxValue) => new(min, max);
    public bool Contains(uint size) => size >= Min && size <= Max;
    public override string ToString() => Min == Max ? $"{Min}" : Max >= int.MaxValue ? $"at least {Min}" : $"{Min}..{Max}";
}
