namespace Ebpf.Runtime.Memory;

/// <summary>A native block to free (or a callback to run) once no reader can still see it; stamped with its retire epoch.</summary>
internal readonly record struct RetiredItem(nint Block, Action? Release)
{
    public long Epoch { get; init; }
}
