namespace Ebpf.Verifier.Ir;

/// <summary>Legacy packet load (LD_ABS/LD_IND): <c>r0 = *(width *)skb[reg + imm]</c>, with r6 the context.</summary>
public sealed record PacketLoadInstruction(int Width, int Offset, byte? Register) : IrInstruction;
