namespace Ebpf.Runtime.Maps;

/// <summary>A perf-event record and the CPU ring it came from. <see cref="Data"/> is valid until the next record is requested.</summary>
public readonly record struct PerfEventRecord(int Cpu, ReadOnlyMemory<byte> Data);
