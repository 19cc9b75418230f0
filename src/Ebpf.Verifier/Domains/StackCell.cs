namespace Ebpf.Verifier.Domains;

/// <summary>A value stored at stack bytes [Offset, Offset + Width).</summary>
public readonly record struct StackCell(int Offset, int Width, StackValue Value)
{
    public int End => Offset + Width;
    public bool Overlaps(int start, int end) => Offset < end && start < End;
}
