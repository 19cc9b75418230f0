namespace Ebpf.Runtime.Maps;

/// <summary>Receives one ring-buffer record; the span is valid only during the call.</summary>
public delegate void RingBufferRecordHandler(ReadOnlySpan<byte> record);
