namespace Ebpf.Kernel;

/// <summary>One BPF_PROG_TEST_RUN: the program's return value, the packet as it left it, and the kernel's average ns per run.</summary>
public sealed record KernelRunResult(uint ReturnValue, byte[] Packet, uint AverageNanoseconds);
