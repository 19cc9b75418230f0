using System.Diagnostics.Tracing;

namespace Ebpf.Runtime.Tracing;

/// <summary>
/// The process-wide stream bpf_trace_printk writes to (eBPF for Windows writes to ETW): in-process readers
/// <see cref="Subscribe"/>; out-of-process ones enable <see cref="EbpfEventSource"/> (event TracePrintk, keyword
/// Programs, level Verbose). While neither listens, tracing is off and bpf_trace_printk returns 0.
/// </summary>
public static class TraceLog
{
    public const int DefaultCapacity = 4096;

    private static readonly Lock s_gate = new();
    private static volatile TraceSubscription[] s_subscribers = [];

    /// <summary>True when someone reads the trace stream.</summary>
    public static bool IsEnabled =>
        s_subscribers.Length > 0 || EbpfEventSource.Log.IsEnabled(EventLevel.Verbose, EbpfEventSource.Keywords.Programs);

    /// <summary>Starts reading; records written from now on are delivered until the subscription is disposed.</summary>
    public static TraceSubscription Subscribe(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var subscription = new TraceSubscription(capacity);
        lock (s_gate) s_subscribers = [.. s_subscribers, subscription];
        return subscription;
    }

    /// <summary>Writes one line to every reader and to the event source.</summary>
    public static void Write(string programName, int processor, string text)
    {
        var record = new TraceRecord(DateTime.UtcNow, programName, processor, text);
        foreach (var subscriber in s_subscribers) subscriber.Write(record);
        if (EbpfEventSource.Log.IsEnabled(EventLevel.Verbose, EbpfEventSource.Keywords.Programs))
            EbpfEventSource.Log.TracePrintk(programName, text);
    }

    internal static void Remove(TraceSubscription subscription)
    {
        lock (s_gate) s_subscribers = Array.FindAll(s_subscribers, s => !ReferenceEquals(s, subscription));
    }
}
