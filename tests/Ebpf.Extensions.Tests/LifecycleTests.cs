using Ebpf.Extensions.Net;
using Ebpf.Extensions.Process;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;

namespace Ebpf.Extensions.Tests;

/// <summary>Providers come and go at any moment; programs and links survive and re-bind only when they still fit.</summary>
public class LifecycleTests
{
    // Returns helper_data_1 (implicit context) + 1.
    private const string SampleProgram = """
        call 65539
        add %r0, 1
        exit
        """;

    // The same without a helper: it needs no invocation scope, so invocations run it from the invoker's frame.
    private const string ContextOnlyProgram = """
        ldxdw %r0, [%r1+24]
        add %r0, 1
        exit
        """;

    [Theory]
    [InlineData(SampleProgram, true)]
    [InlineData(ContextOnlyProgram, false)]
    public unsafe void ProviderLeavingMakesInvocationsReportExtensionUnavailableAndIdenticalReturnResumes(string code, bool needsScope)
    {
        var registry = TestPlatform.NewRegistry();
        var sample = new SampleExtension();
        registry.Load(sample);
        var program = TestPlatform.Load(registry, "s", WellKnownProgramTypes.SampleGuid, code);
        Assert.Equal(needsScope, program.NeedsInvocationScope);
        using var ctx = new SampleContextFactory().Create(new byte[32], []);
        ctx.ContextBytes[24] = 41;

        Assert.Equal(42UL, program.Invoke(ctx.Context).ReturnValue);

        registry.Unregister(sample.Provider);
        var refused = program.Invoke(ctx.Context);
        Assert.True(refused.ExtensionUnavailable);
        Assert.Equal(EbpfResult.ExtensionFailedToLoad, refused.Result);
        Assert.False(program.IsBound);

        registry.Register(sample.Provider);
        Assert.True(program.IsBound);
        Assert.Equal(42UL, program.Invoke(ctx.Context).ReturnValue);
    }

    [Fact]
    public unsafe void ReturningProviderWithChangedPrototypeIsRefusedWithHashMismatch()
    {
        var registry = TestPlatform.NewRegistry();
        var sample = new SampleExtension();
        registry.Load(sample);
        var program = TestPlatform.Load(registry, "s", WellKnownProgramTypes.SampleGuid, SampleProgram);
        var original = program.ProgramInformationHashHex;
        registry.Unregister(sample.Provider);

        var changed = sample.Provider.WithPrototype(65539, p => p with { ReturnType = ReturnType.PtrToMapValueOrNull });
        registry.Register(changed);
        Assert.False(program.IsBound);
        Assert.NotNull(program.LastBindError);
        Assert.Contains("hash mismatch", program.LastBindError);
        Assert.Contains(program.Name, program.LastBindError);
        Assert.Contains("'sample'", program.LastBindError);
        Assert.Contains(original, program.LastBindError);
        using var ctx = new SampleContextFactory().Create(new byte[32], []);
        Assert.True(program.Invoke(ctx.Context).ExtensionUnavailable);

        // A change to a helper the program does not call leaves the hash alone.
        registry.Unregister(changed);
        registry.Register(sample.Provider.WithPrototype(65536, p => p with { ReturnType = ReturnType.PtrToMapValueOrNull }));
        Assert.True(program.IsBound);
        Assert.Null(program.LastBindError);
    }

    [Fact]
    public void HookProviderLeavingDropsLinksWhichReattachOnReturn()
    {
        var registry = TestPlatform.NewRegistry();
        var sample = new SampleExtension();
        registry.Load(sample);
        var program = TestPlatform.Load(registry, "s", WellKnownProgramTypes.SampleGuid, SampleProgram, WellKnownAttachTypes.Sample);
        var link = registry.Attach(program);
        Assert.Equal(LinkState.Attached, link.State);
        Assert.Equal([1UL], sample.Hook.Invoke([], helperData1: 0));

        registry.Unregister(sample.Hook);
        Assert.Equal(LinkState.Attached, link.State);
        Assert.False(link.IsProviderAttached);
        Assert.Empty(sample.Hook.Invoke([]));

        registry.Register(sample.Hook);
        Assert.True(link.IsProviderAttached);
        Assert.Equal([6UL], sample.Hook.Invoke([], helperData1: 5));

        registry.Detach(link);
        Assert.Equal(LinkState.Detached, link.State);
        Assert.Empty(sample.Hook.Invoke([]));
    }

    [Fact]
    public void AttachWithoutHookProviderFails()
    {
        var registry = TestPlatform.NewRegistry();
        var sample = new SampleExtension();
        registry.Register(sample.Provider);
        var program = TestPlatform.Load(registry, "s", WellKnownProgramTypes.SampleGuid, SampleProgram, WellKnownAttachTypes.Sample);
        var ex = Assert.Throws<EbpfException>(() => registry.Attach(program));
        Assert.Equal(EbpfResult.ExtensionFailedToLoad, ex.Result);
        Assert.Contains("no hook provider", ex.Message);
        Assert.Empty(registry.Links);

        // A hook of another program type does not bind either.
        registry.Load(new ProcessExtension());
        Assert.Throws<EbpfException>(() => registry.Attach(program, WellKnownAttachTypes.Process));
    }

    [Fact]
    public void UnloadingTheNetworkExtensionLeavesProcessEventsFlowing()
    {
        var registry = TestPlatform.NewRegistry();
        var process = new ProcessExtension();
        var net = new NetExtension();
        registry.Load(process);
        registry.Load(net);
        var processProgram = TestPlatform.Load(registry, "pid", WellKnownProgramTypes.ProcessGuid,
            "ldxdw %r0, [%r1+16]\nexit", WellKnownAttachTypes.Process);
        var connect = TestPlatform.Load(registry, "connect", WellKnownProgramTypes.SockAddrGuid,
            "mov %r0, 1\nexit", WellKnownAttachTypes.CgroupInet4Connect);
        registry.Attach(processProgram);
        var connectLink = registry.Attach(connect);

        registry.Unload(net);
        Assert.False(connect.IsBound);
        Assert.False(connectLink.IsProviderAttached);
        for (ulong pid = 1; pid <= 100; pid++)
            Assert.Equal((uint)pid, process.Hook.NotifyCreate(new ProcessEvent(ProcessOperation.Create, pid)));
        Assert.True(processProgram.IsBound);

        registry.Load(net);
        Assert.True(connect.IsBound);
        Assert.True(connectLink.IsProviderAttached);
    }

    [Fact]
    public void ProcessHookSubscribesWithTheFirstLinkAndUnsubscribesAfterTheLast()
    {
        var registry = TestPlatform.NewRegistry();
        var process = new ProcessExtension();
        registry.Load(process);
        var changes = new List<bool>();
        process.Hook.SubscriptionChanged += changes.Add;
        var p = TestPlatform.Load(registry, "p", WellKnownProgramTypes.ProcessGuid, "mov %r0, 0\nexit", WellKnownAttachTypes.Process);
        var a = registry.Attach(p);
        var b = registry.Attach(p);
        registry.Detach(a);
        Assert.True(process.Hook.IsSubscribed);
        registry.Detach(b);
        Assert.False(process.Hook.IsSubscribed);
        Assert.Equal([true, false], changes);
    }

    [Fact]
    public void FirstFailingCreationStatusStopsLaterPrograms()
    {
        var registry = TestPlatform.NewRegistry();
        var process = new ProcessExtension();
        registry.Load(process);
        var deny = TestPlatform.Load(registry, "deny", WellKnownProgramTypes.ProcessGuid, "mov32 %r0, 0xC0000022\nexit", WellKnownAttachTypes.Process);
        var never = TestPlatform.Load(registry, "never", WellKnownProgramTypes.ProcessGuid, "mov %r0, 7\nexit", WellKnownAttachTypes.Process);
        registry.Attach(deny);
        registry.Attach(never);
        Assert.Equal(0xC0000022u, process.Hook.NotifyCreate(new ProcessEvent(ProcessOperation.Create, 1)));
        // On exit every program runs and the status is ignored.
        Assert.Equal(2, process.Hook.NotifyExit(new ProcessEvent(ProcessOperation.Delete, 1)));
    }
}
