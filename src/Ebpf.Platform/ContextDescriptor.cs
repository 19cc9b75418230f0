namespace Ebpf.Platform;

/// <summary>
/// Layout of a program type's context as the verifier sees it: its size and the byte offsets of the packet
/// data, data-end and metadata pointer fields, or -1 when the context has no such field.
/// </summary>
public readonly record struct ContextDescriptor(int Size, int Data, int End, int Meta)
{
    public bool HasPacket => Data >= 0 && End >= 0;
}
