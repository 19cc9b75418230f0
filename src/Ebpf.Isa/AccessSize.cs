namespace Ebpf.Isa;

/// <summary>Load/store size modifier (bits 3-4 of the opcode).</summary>
public enum AccessSize : byte
{
    Word = 0x00,
    Half = 0x08,
    Byte = 0x10,
    Double = 0x18,
}

public static class AccessSizeExtensions
{
    public static int Bytes(this AccessSize size) => size switch
    {
        AccessSize.Byte => 1,
        AccessSize.Half => 2,
        AccessSize.Word => 4,
        _ => 8,
    };
}
