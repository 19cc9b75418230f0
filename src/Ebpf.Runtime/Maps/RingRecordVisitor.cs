namespace Ebpf.Runtime.Maps;

/// <summary>Receives one record from <see cref="RingBuffer.Consume{TState}"/>, with caller state instead of a closure.</summary>
internal delegate void RingRecordVisitor<TState>(TState state, ReadOnlySpan<byte> record);
