using System.Threading.Channels;

namespace Ebpf.Runtime.Tracing;

/// <summary>
/// A reader of the <see cref="TraceLog"/>: every record written while it is open, in order, buffered up to its
/// capacity (then the oldest are dropped and counted, so programs never wait for a slow reader). Dispose to stop.
/// </summary>
public sealed class TraceSubscription : IDisposable
{
    private readonly Channel<TraceRecord> _channel;
    private long _dropped;

    internal TraceSubscription(int capacity)
    {
        _channel = Channel.CreateBounded<TraceRecord>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false, SingleWriter = false },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelReader<TraceRecord> Reader => _channel.Reader;

    /// <summary>Records dropped because the buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public bool TryRead(out TraceRecord record) => _channel.Reader.TryRead(out record);

    /// <summary>The records buffered right now, without waiting.</summary>
    public IReadOnlyList<TraceRecord> Drain()
    {
        var records = new List<TraceRecord>();
        while (_channel.Reader.TryRead(out var record)) records.Add(record);
        return records;
    }

    /// <summary>Records as they arrive, until the subscription is disposed or <paramref name="cancellationToken"/> fires.</summary>
    public IAsyncEnumerable<TraceRecord> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _channel.Reader.ReadAllAsync(cancellationToken);

    internal void Write(in TraceRecord record) => _channel.Writer.TryWrite(record);

    public void Dispose()
    {
        TraceLog.Remove(this);
        _channel.Writer.TryComplete();
    }
}
