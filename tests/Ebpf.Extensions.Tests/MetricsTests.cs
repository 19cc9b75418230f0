using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Tracing;

namespace Ebpf.Extensions.Tests;

/// <summary>Meter listeners see every measurement of the process: run alone, not beside the other tests.</summary>
[Collection(MetricsCollection.Name)]
public class MetricsTests
{
    [Fact]
    public unsafe void InvocationsRunTimeAndRefusalsAreMeasured()
    {
        var measurements = new ConcurrentBag<(string Instrument, double Value, string? Program)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => measurements.Add((i.Name, value, ProgramTag(tags))));
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => measurements.Add((i.Name, value, ProgramTag(tags))));
        listener.Start();

        var registry = TestPlatform.NewRegistry();
        var sample = new SampleExtension();
        registry.Load(sample);
        var program = TestPlatform.Load(registry, "metered_program", WellKnownProgramTypes.SampleGuid, "mov %r0, 3\nexit");
        Assert.False(program.NeedsInvocationScope); // unmetered, it would run from the invoker's frame: metered, it is still counted
        using var ctx = new SampleContextFactory().Create(new byte[32], []);
        for (int i = 0; i < 5; i++) program.Invoke(ctx.Context);
        registry.Unregister(sample.Provider);
        program.Invoke(ctx.Context);

        var mine = measurements.Where(m => m.Program == "metered_program").ToArray();
        Assert.Equal(5, mine.Count(m => m.Instrument == "ebpf.program.invocations"));
        Assert.Equal(5, mine.Count(m => m.Instrument == "ebpf.program.run_time" && m.Value > 0));
        Assert.Single(mine, m => m.Instrument == "ebpf.program.extension_unavailable");
    }

    private static string? ProgramTag(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
            if (tag.Key == "program") return tag.Value as string;
        return null;
    }
}
