namespace Ebpf.Isa;

/// <summary>Values of the src field that give lddw and call instructions a special meaning.</summary>
public static class PseudoSource
{
    // lddw (opcode 0x18)
    public const byte Imm64 = 0;
    /// <summary>imm = map fd (here: map index after relocation); dst = pointer to the map.</summary>
    public const byte MapFd = 1;
    /// <summary>imm = map fd, next imm = offset; dst = address of the map's value + offset.</summary>
    public const byte MapValue = 2;
    public const byte BtfId = 3;
    public const byte Func = 4;
    public const byte MapIndex = 5;
    public const byte MapIndexValue = 6;

    // call (opcode 0x85)
    public const byte HelperCall = 0;
    /// <summary>bpf-to-bpf call: imm is the pc-relative offset of the callee.</summary>
    public const byte LocalCall = 1;
    public const byte KernelFunc = 2;
}
