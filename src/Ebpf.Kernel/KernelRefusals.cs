namespace Ebpf.Kernel;

/// <summary>
/// The one place that tells a host that lacks something from a program the kernel refuses, from the error number and
/// the verifier's log. The verifier stops at its first objection, so its last line (before the statistics) is the reason.
/// </summary>
public static class KernelRefusals
{
    private const int EPERM = 1, E2BIG = 7, EINVAL = 22, ENOSYS = 38, EOPNOTSUPP = 95, ENOTSUPP = 524;

    /// <summary>Verifier log lines that name something the host kernel does not offer (wording of current and older kernels).</summary>
    private static readonly string[] CapabilityLines =
    [
        "program of this type cannot use helper", // the helper exists, not for this program type (or not on this build)
        "invalid func",                           // a helper id beyond this kernel's list
        "unknown func",                           // older kernels' wording of the same
        "unknown opcode",                         // an instruction newer than this kernel
        "not allowed in non-JITed programs",      // needs the JIT, which this host has off
        "allowed for root only",                  // older kernels: bpf-to-bpf calls need privileges
        "back-edge from insn",                    // older kernels: no bounded loops
    ];

    /// <summary>Error numbers that, for these commands, mean the host lacks something whatever the log says.</summary>
    private static readonly (int Errno, BpfCommand? Command, bool OnlyWithoutLog, string Meaning)[] CapabilityErrors =
    [
        (EPERM, null, false, "bpf(2) not permitted (EPERM): no CAP_BPF/CAP_SYS_ADMIN, or a seccomp filter or lockdown forbids it"),
        (ENOSYS, null, false, "no bpf(2) on this kernel (ENOSYS)"),
        (EOPNOTSUPP, null, false, "not supported by this kernel (EOPNOTSUPP)"),
        (ENOTSUPP, null, false, "not supported by this kernel (ENOTSUPP)"),
        (E2BIG, null, true, "an attribute this kernel does not know (E2BIG)"),
        (EINVAL, BpfCommand.MapCreate, false, "a map type or map flag this kernel does not offer (EINVAL)"),
        (EINVAL, BpfCommand.MapFreeze, false, "no BPF_MAP_FREEZE on this kernel (EINVAL)"),
        // The verifier did not run (no log): the program type or a load attribute is unknown to this kernel.
        (EINVAL, BpfCommand.ProgramLoad, true, "a program type or load attribute this kernel does not offer (EINVAL before verification)"),
    ];

    public static (KernelRefusalKind Kind, string Reason) Classify(BpfCommand command, int errno, string? log)
    {
        string? line = ReasonLine(log);
        if (line is not null)
            foreach (string capability in CapabilityLines)
                if (line.Contains(capability, StringComparison.Ordinal)) return (KernelRefusalKind.HostLacksCapability, line);
        // A load the verifier gave up on (more than its 1M processed instructions, or more instructions than it takes)
        // fails with E2BIG, with or without a log: a verdict on the program, not something the host lacks.
        if (errno == E2BIG && command == BpfCommand.ProgramLoad)
            return (KernelRefusalKind.ProgramRefused, line ?? "program too large or too complex for the kernel's verifier (E2BIG)");
        foreach (var (number, only, onlyWithoutLog, meaning) in CapabilityErrors)
            if (number == errno && (only is null || only == command) && !(onlyWithoutLog && line is not null))
                return (KernelRefusalKind.HostLacksCapability, line is null ? meaning : $"{meaning}: {line}");
        return (KernelRefusalKind.ProgramRefused, line ?? $"{command} failed with errno {errno}");
    }

    /// <summary>
    /// The verifier's objection: the lines after the last instruction or state line ("N: ..."), less its closing
    /// statistics, joined into one (it may take two, e.g. "invalid access to packet ...; R1 offset is outside of the packet").
    /// </summary>
    private static string? ReasonLine(string? log)
    {
        if (string.IsNullOrWhiteSpace(log)) return null;
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !StatisticsPrefixes.Any(p => l.StartsWith(p, StringComparison.Ordinal))).ToArray();
        int last = Array.FindLastIndex(lines, IsInstructionLine);
        var reason = lines[(last + 1)..];
        if (reason.Length == 0 && lines.Length > 0) reason = lines[^1..];
        return reason.Length == 0 ? null : string.Join("; ", reason);
    }

    private static readonly string[] StatisticsPrefixes = ["processed ", "verification time", "stack depth"];

    private static bool IsInstructionLine(string line)
    {
        int digits = 0;
        while (digits < line.Length && char.IsAsciiDigit(line[digits])) digits++;
        return digits > 0 && digits < line.Length && line[digits] == ':';
    }
}
