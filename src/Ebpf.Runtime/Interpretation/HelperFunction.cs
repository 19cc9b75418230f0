namespace Ebpf.Runtime.Interpretation;

/// <summary>
/// A helper callable from eBPF (<c>call imm</c>): r1-r5 in, r0 out. <paramref name="context"/> tells the helper the
/// program context pointer (the implicit 6th argument of eBPF for Windows), the calling pc, and, in checked mode, lets
/// it validate pointer arguments and register memory it hands back to the program.
/// </summary>
public delegate ulong HelperFunction(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context);
