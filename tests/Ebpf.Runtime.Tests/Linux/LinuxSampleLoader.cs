using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Linux;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// Opens a corpus XDP object for a differential run. Our verifier refuses a few programs the kernel accepts
/// (imprecision, see the corpus expectations); those still take part, unverified and in checked mode, and the
/// refusal is reported.
/// </summary>
internal static class LinuxSampleLoader
{
    public static LinuxXdpObject Open(string path, ExecutionEngine engine, Action<string> report)
    {
        try
        {
            return LinuxXdpObject.Open(path, engine);
        }
        catch (LinuxProgramException e) when (e.Message.Contains("refused by the verifier", StringComparison.Ordinal))
        {
            report($"{e.Message} -> runs unverified in checked mode");
            return LinuxXdpObject.Open(path, engine, ExecutionMode.Checked, verify: false);
        }
    }
}
