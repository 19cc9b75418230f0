namespace Ebpf.Kernel;

/// <summary>
/// Section prefixes to program types (the subset loaded here). Prefixes match as the kernel samples' loader matched
/// them (<c>xdp1</c> is XDP), which the corpus relies on; "tc" alone needs a separator so "tcp..." stays unknown.
/// </summary>
public static class KernelProgramTypes
{
    private static readonly (string Prefix, bool NeedsSeparator, KernelProgramType Type)[] Prefixes =
    [
        ("xdp", false, KernelProgramType.Xdp),
        ("classifier", false, KernelProgramType.SchedCls),
        ("socket", false, KernelProgramType.SocketFilter),
        ("tc", true, KernelProgramType.SchedCls),
    ];

    public static KernelProgramType? ForSection(string section)
    {
        foreach (var (prefix, needsSeparator, type) in Prefixes)
        {
            if (!section.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (!needsSeparator || section.Length == prefix.Length || section[prefix.Length] is '/' or '.' or '_') return type;
        }
        return null;
    }
}
