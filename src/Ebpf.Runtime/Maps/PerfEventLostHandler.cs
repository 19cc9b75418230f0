namespace Ebpf.Runtime.Maps;

/// <summary>Reports records dropped on <paramref name="cpu"/> because its ring was full, since the last report.</summary>
public delegate void PerfEventLostHandler(int cpu, long count);
