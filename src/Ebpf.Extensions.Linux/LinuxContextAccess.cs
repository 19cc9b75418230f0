using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Extensions.Linux;

/// <summary>How the Linux helpers reach the real context and its packet from the context argument they were passed.</summary>
internal static unsafe class LinuxContextAccess
{
    /// <summary>
    /// The context the invocation runs on, when <paramref name="ctx"/> is it: an unverified program may pass any number
    /// as its context argument, and only the invocation's own is known to have a header to look in.
    /// </summary>
    public static ProgramContext? Owner(ulong ctx, ref HelperCallContext call) =>
        ctx == call.ProgramContext ? ProgramContext.FromPointer(ctx) : null;

    /// <summary>The packet between the real context's data and data-end fields; false for a context without one.</summary>
    public static bool TryPacket(ulong ctx, ref HelperCallContext call, out byte* data, out ulong length)
    {
        data = null;
        length = 0;
        var owner = Owner(ctx, ref call);
        if (owner is null || !owner.HasData) return false;
        ulong start = *(ulong*)(ctx + (ulong)owner.DataOffset), end = *(ulong*)(ctx + (ulong)owner.EndOffset);
        if (end < start) return false;
        data = (byte*)start;
        length = end - start;
        return true;
    }
}
