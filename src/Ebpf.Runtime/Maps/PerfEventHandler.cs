namespace Ebpf.Runtime.Maps;

/// <summary>Receives one perf-event record written on <paramref name="cpu"/>; the span is valid only during the call.</summary>
public delegate void PerfEventHandler(int cpu, ReadOnlySpan<byte> record);
