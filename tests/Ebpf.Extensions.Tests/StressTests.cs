using Ebpf.Extensions.Sample;
using Ebpf.Platform;

namespace Ebpf.Extensions.Tests;

/// <summary>Extensions registering and unregistering in a loop while other threads invoke programs.</summary>
public class StressTests
{
    [Fact]
    public async Task RegisterUnregisterLoopWhileInvokingNeverFaultsOrDeadlocks()
    {
        var registry = TestPlatform.NewRegistry();
        var sample = new SampleExtension();
        registry.Load(sample);
        var program = TestPlatform.Load(registry, "s", WellKnownProgramTypes.SampleGuid, "call 65539\nadd %r0, 1\nexit", WellKnownAttachTypes.Sample);
        registry.Attach(program);

        int cycles = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1" ? 20_000 : 500;
        using var stop = new CancellationTokenSource();
        var counters = new Counters();
        var invokers = Enumerable.Range(0, 3).Select(i => Task.Run(() => InvokeUntilStopped(program, sample, 10 + i, counters, stop.Token))).ToArray();

        // Let the invokers start first: on a busy machine the churn could otherwise end before any of them ran.
        SpinWait.SpinUntil(() => Interlocked.Read(ref counters.Ran) > 0, TimeSpan.FromSeconds(30));
        var churn = Task.Run(() =>
        {
            for (int i = 0; i < cycles; i++)
            {
                registry.Unregister(sample.Provider);
                registry.Unregister(sample.Hook);
                registry.Register(sample.Hook);
                registry.Register(sample.Provider);
            }
        });
        await churn.WaitAsync(TimeSpan.FromSeconds(60)); // a deadlock surfaces as a TimeoutException
        stop.Cancel();
        await Task.WhenAll(invokers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, counters.Wrong);
        Assert.True(counters.Ran > 0, "no invocation ran");
        Assert.True(counters.HookRuns > 0, "the hook never ran a program");
        Assert.True(program.IsBound);
    }

    private sealed class Counters
    {
        public long Ran, Unavailable, Wrong, HookRuns;
    }

    private static unsafe void InvokeUntilStopped(Ebpf.Runtime.Programs.EbpfProgram program, SampleExtension sample, int helperData,
        Counters counters, CancellationToken stop)
    {
        using var ctx = new SampleContextFactory().Create(new byte[32], []);
        ctx.ContextBytes[24] = (byte)helperData;
        while (!stop.IsCancellationRequested)
        {
            var r = program.Invoke(ctx.Context);
            if (r.Ran)
            {
                Interlocked.Increment(ref counters.Ran);
                if (r.ReturnValue != (ulong)(helperData + 1)) Interlocked.Increment(ref counters.Wrong);
            }
            else if (r.ExtensionUnavailable) Interlocked.Increment(ref counters.Unavailable);
            else Interlocked.Increment(ref counters.Wrong);
            // Every hook run is either a program that ran or none (provider away); never a wrong value.
            foreach (var value in sample.Hook.Invoke([], 1))
            {
                Interlocked.Increment(ref counters.HookRuns);
                if (value != 2) Interlocked.Increment(ref counters.Wrong);
            }
        }
    }
}
