using Ebpf.Isa;

namespace Ebpf.Kernel;

/// <summary>Whether the host kernel's eBPF can serve as a reference here (Linux, bpf(2) permitted, XDP test runs allowed).</summary>
public static class KernelBpf
{
    private static readonly Lazy<string?> Unavailability = new(Probe);

    /// <summary>
    /// True when programs can be loaded and test-run; otherwise <paramref name="reason"/> says what the host lacks, in one line.
    /// Under <see cref="KernelHostEmulation"/> the probe runs afresh, so an emulated refusal is seen.
    /// </summary>
    public static bool IsAvailable(out string reason)
    {
        string? unavailability = KernelHostEmulation.Active ? Probe() : Unavailability.Value;
        reason = unavailability ?? "";
        return unavailability is null;
    }

    /// <summary>Loads <c>r0 = XDP_PASS; exit</c> and test-runs it once: the cheapest proof that everything needed works.</summary>
    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        try
        {
            Instruction[] program = [Insn.Mov64(0, 2), Insn.Exit()];
            int fd = KernelProgram.Load(program, KernelProgramType.Xdp, "probe", "GPL", "kernel probe");
            try
            {
                var result = KernelProgram.TestRun(fd, new byte[64], 1, "kernel probe");
                return result.ReturnValue == 2 ? null : $"probe program returned {result.ReturnValue}, not 2";
            }
            finally
            {
                BpfSyscall.Close(fd);
            }
        }
        catch (KernelBpfException e)
        {
            return e.Reason;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
        {
            return $"bpf(2) not reachable: {e.Message}";
        }
    }
}
