using Ebpf.Kernel;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// The host kernel as the reference of a test: what it cannot run for want of a capability is reported (with the
/// kernel's reason) and left out; what it refuses as faulty fails the test.
/// </summary>
internal static class KernelReference
{
    /// <summary>The object loaded in the host kernel, or null (reported once per suite) where the kernel cannot serve at all.</summary>
    public static KernelObject? Load(string path, Action<string> output)
    {
        if (!KernelBpf.IsAvailable(out string reason))
        {
            HostKernelReport.Note(output, $"host kernel unavailable ({reason}): its comparisons were skipped");
            return null;
        }
        return KernelObject.Load(path);
    }

    /// <summary>
    /// True when <paramref name="program"/> loaded in <paramref name="kernel"/>; false, reported, when the host lacks what
    /// it needs; a refusal of the program itself is thrown.
    /// </summary>
    public static bool Has(KernelObject kernel, string program, Action<string> output)
    {
        if (!kernel.Refused.TryGetValue(program, out var refusal)) return true;
        if (!refusal.HostLacksCapability) throw refusal;
        HostKernelReport.Note(output, $"not compared: {refusal.Summary}");
        return false;
    }
}
