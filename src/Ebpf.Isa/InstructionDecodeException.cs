namespace Ebpf.Isa;

/// <summary>A program image or instruction sequence is malformed; <see cref="Index"/> is the offending slot.</summary>
public sealed class InstructionDecodeException : Exception
{
    public InstructionDecodeException(int index, DecodeError reason, string message)
        : base($"instruction {index}: {message}")
    {
        Index = index;
        Reason = reason;
        Detail = message;
    }

    /// <summary>Slot index of the offending instruction (8-byte units; -1 when the whole image is at fault).</summary>
    public int Index { get; }

    public DecodeError Reason { get; }

    /// <summary>The message without the index prefix.</summary>
    public string Detail { get; }
}
