using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Ebpf.Elf.Btf;
using Ebpf.Runtime.Maps;

namespace Ebpf.Cli.Running;

/// <summary>
/// A ring-buffer or perf-event-array map of a running object, the attached programs that write it, and how its
/// records are decoded: as the struct the user named, else as the first struct of the object whose size matches.
/// </summary>
public sealed class RecordStream
{
    private readonly BtfTypeTable? _btf;
    private readonly RecordLayout? _named;
    private readonly ConcurrentDictionary<int, RecordLayout?> _bySize = new();
    private long _records;

    internal RecordStream(string name, EbpfMap map, IReadOnlyList<string> producers, BtfTypeTable? btf, RecordLayout? named)
    {
        Name = name;
        Map = map;
        Producers = producers;
        _btf = btf;
        _named = named;
    }

    public string Name { get; }
    public EbpfMap Map { get; }

    /// <summary>Names of the attached programs that reference the map.</summary>
    public IReadOnlyList<string> Producers { get; }

    /// <summary>The producer a record is attributed to: the one program writing the map, or null when several do.</summary>
    public string? Producer => Producers.Count == 1 ? Producers[0] : null;

    public string Kind => Map is RingBufferMap ? "ring buffer" : "perf buffer";

    /// <summary>Records read so far.</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>Records the map refused because the consumer was behind.</summary>
    public long Lost => Map switch
    {
        RingBufferMap ring => ring.LostRecords,
        PerfEventArrayMap perf => perf.TotalLostRecords,
        _ => 0,
    };

    /// <summary>The layout records of <paramref name="size"/> bytes are decoded with, or null (shown as hex).</summary>
    public RecordLayout? LayoutFor(int size) => _named ?? _bySize.GetOrAdd(size, s => RecordLayout.BySize(_btf, s));

    internal RunRecord Decode(ReadOnlySpan<byte> data, int? cpu)
    {
        Interlocked.Increment(ref _records);
        var layout = LayoutFor(data.Length);
        JsonObject? fields = layout?.Decode(data);
        return new RunRecord(Name, Producer, DateTime.UtcNow, cpu, data.ToArray(), layout?.Name, fields);
    }
}
