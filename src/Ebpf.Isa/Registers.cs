namespace Ebpf.Isa;

/// <summary>Register conventions of the eBPF calling convention.</summary>
public static class Registers
{
    public const int Count = 11;
    /// <summary>r0: return value of helpers and of the program.</summary>
    public const byte ReturnValue = 0;
    /// <summary>r1-r5: arguments; r6-r9: callee-saved.</summary>
    public const byte FirstArgument = 1;
    public const byte FirstCalleeSaved = 6;
    /// <summary>r10: read-only frame pointer.</summary>
    public const byte FramePointer = 10;
    /// <summary>Bytes of stack per frame.</summary>
    public const int StackSize = 512;
}
