using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Ebpf.Runtime.Tracing;

namespace Ebpf.Runtime.Tests.Helpers;

/// <summary>Listens to EbpfEventSource's TracePrintk events as "program: text" lines.</summary>
internal sealed class EventCapture : EventListener
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == EbpfEventSource.SourceName)
            EnableEvents(eventSource, EventLevel.Verbose, EbpfEventSource.Keywords.Programs);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId == EbpfEventSource.TracePrintkId && eventData.Payload is { Count: 2 } payload)
            _lines.Enqueue($"{payload[0]}: {payload[1]}");
    }
}
