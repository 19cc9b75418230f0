using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Sample;

/// <summary>The sample hook: runs every attached program on one context and returns each r0, in order.</summary>
public sealed class SampleHook() : HookProvider("Ebpf.Extensions.Sample/sample_ext", WellKnownAttachTypes.Sample, WellKnownProgramTypes.SampleGuid)
{
    /// <summary>Invokes the attached programs with <paramref name="data"/> and the helper data fields.</summary>
    public unsafe IReadOnlyList<ulong> Invoke(ReadOnlySpan<byte> data, uint helperData1 = 0, uint helperData2 = 0)
    {
        using var ctx = SampleContextFactory.Build(data, helperData1, helperData2);
        var results = new List<ulong>();
        Invoke(ctx.Context, (_, r0) =>
        {
            results.Add(r0);
            return true;
        });
        return results;
    }
}
