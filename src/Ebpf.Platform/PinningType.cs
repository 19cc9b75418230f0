namespace Ebpf.Platform;

/// <summary>libbpf pinning kinds for maps declared in an object file.</summary>
public enum PinningType : uint
{
    None = 0,
    ByName = 1,
}
