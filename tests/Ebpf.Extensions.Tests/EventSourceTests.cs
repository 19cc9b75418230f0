using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Tracing;

namespace Ebpf.Extensions.Tests;

public class EventSourceTests
{
    private sealed class Collector : EventListener
    {
        public ConcurrentQueue<EventWrittenEventArgs> Events { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == EbpfEventSource.SourceName) EnableEvents(source, EventLevel.Verbose);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e) => Events.Enqueue(e);
    }

    [Fact]
    public void LifecycleEmitsProviderLoadAttachDetachAndHashMismatchEvents()
    {
        using var collector = new Collector();
        var registry = TestPlatform.NewRegistry();
        var sample = new SampleExtension();
        registry.Load(sample);
        var program = TestPlatform.Load(registry, "traced_program", WellKnownProgramTypes.SampleGuid, "call 65539\nexit", WellKnownAttachTypes.Sample);
        var link = registry.Attach(program);
        registry.Detach(link);
        registry.Unregister(sample.Provider);
        registry.Register(sample.Provider.WithPrototype(65539, p => p with { ReturnType = ReturnType.PtrToMapValueOrNull }));

        var mine = collector.Events.Where(e => e.Payload?.Contains("traced_program") == true || e.EventId is EbpfEventSource.ProviderRegisteredId).ToArray();
        Assert.Contains(mine, e => e.EventId == EbpfEventSource.ProviderRegisteredId && (string)e.Payload![1]! == SampleExtension.ExtensionName);
        Assert.Contains(mine, e => e.EventId == EbpfEventSource.ProgramLoadedId && (string)e.Payload![3]! == program.ProgramInformationHashHex);
        Assert.Contains(mine, e => e.EventId == EbpfEventSource.LinkAttachedId);
        Assert.Contains(mine, e => e.EventId == EbpfEventSource.LinkDetachedId);
        var mismatch = Assert.Single(mine, e => e.EventId == EbpfEventSource.HashMismatchId);
        Assert.Equal(program.ProgramInformationHashHex, (string)mismatch.Payload![3]!);
        Assert.NotEqual(program.ProgramInformationHashHex, (string)mismatch.Payload![4]!);
    }
}
