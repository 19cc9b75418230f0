namespace Ebpf.Verifier.Domains;

/// <summary>
/// Numbering of the zone domain's variables: packet_size, meta_offset, then per call frame and register its signed
/// value, unsigned value, offset (the offset of whatever region it points into), type tag, negated type tag and shared region size, then one iteration counter per
/// loop head when termination is checked, then copies of the callee-saved registers of each calling depth.
/// </summary>
public sealed class VariableLayout
{
    public const int PacketSize = 1;
    public const int MetaOffset = 2;
    private const int FirstRegister = 3;
    private const int PerRegister = 6;
    private const int PerSaved = 3;

    private const int CalleeSaved = 4;

    public VariableLayout(int frames, int loopCounters, int savedFrames = 0)
    {
        Frames = frames;
        LoopCounters = loopCounters;
        SavedFrames = savedFrames;
        Count = FirstRegister - 1 + frames * Isa.Registers.Count * PerRegister + loopCounters + savedFrames * CalleeSaved * PerSaved;
    }

    /// <summary>Call depths whose caller's r6-r9 have variables of their own (<see cref="Saved"/>).</summary>
    public int SavedFrames { get; }

    /// <summary>
    /// The variable keeping field <paramref name="field"/> (0 svalue, 1 uvalue, 2 offset) of callee-saved register
    /// <paramref name="reg"/> (6-9) of the caller at <paramref name="depth"/> while its callee runs: a copy that
    /// keeps the register's relations (e.g. to a loop counter) across the call.
    /// </summary>
    public int Saved(int depth, int reg, int field) =>
        LoopCounter(LoopCounters) + (depth * CalleeSaved + reg - 6) * PerSaved + field;

    public int Frames { get; }
    public int LoopCounters { get; }
    /// <summary>Number of variables (excluding the zero).</summary>
    public int Count { get; }

    public int SValue(int frame, int reg) => FirstRegister + (frame * Isa.Registers.Count + reg) * PerRegister;
    public int UValue(int frame, int reg) => SValue(frame, reg) + 1;
    public int Offset(int frame, int reg) => SValue(frame, reg) + 2;
    /// <summary>
    /// A code for the register's kind (the lowest to the highest bit of its type set): its value means little, but
    /// its difference with another register's says when two registers hold the same kind on every path.
    /// </summary>
    public int TypeTag(int frame, int reg) => SValue(frame, reg) + 3;
    /// <summary>
    /// Minus the type tag. A zone bounds only differences, so offset - tag gives each kind's offset one bound; with
    /// offset - (-tag) too, a register joined from two kinds (a stack slot or a map value) keeps both bounds of
    /// each kind's offset, recovered by narrowing the tags to that kind (<see cref="AbstractState.TypeCodes"/>).
    /// </summary>
    public int NegatedTypeTag(int frame, int reg) => SValue(frame, reg) + 4;
    /// <summary>
    /// The size of the map value a shared pointer points into, as a variable: joined over paths through maps of
    /// different value sizes, offset - size still bounds each access (a non-relational size would take the smallest).
    /// </summary>
    public int SharedSize(int frame, int reg) => SValue(frame, reg) + 5;
    public int LoopCounter(int index) => FirstRegister + Frames * Isa.Registers.Count * PerRegister + index;
}
