namespace Ebpf.Verifier.Domains;

/// <summary>
/// Numbering of the zone domain's variables: packet_size, meta_offset, then per call frame and register its signed
/// value, unsigned value and offset (the offset of whatever region it points into), then one iteration counter per
/// loop head when termination is checked.
/// </summary>
public sealed class VariableLayout
{
    public const int PacketSize = 1;
    public const int MetaOffset = 2;
    private const int FirstRegister = 3;
    private const int PerRegister = 3;

    public VariableLayout(int frames, int loopCounters)
    {
        Frames = frames;
        LoopCounters = loopCounters;
        Count = FirstRegister - 1 + frames * Isa.Registers.Count * PerRegister + loopCounters;
    }

    public int Frames { get; }
    public int LoopCounters { get; }
    /// <summary>Number of variables (excluding the zero).</summary>
    public int Count { get; }

    public int SValue(int frame, int reg) => FirstRegister + (frame * Isa.Registers.Count + reg) * PerRegister;
    public int UValue(int frame, int reg) => SValue(frame, reg) + 1;
    public int Offset(int frame, int reg) => SValue(frame, reg) + 2;
    public int LoopCounter(int index) => FirstRegister + Frames * Isa.Registers.Count * PerRegister + index;
}
