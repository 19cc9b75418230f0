using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Pinning;

/// <summary>
/// Pin-path canonicalisation as eBPF for Windows does it (<c>ebpf_canonicalize_path</c>): the canonical form is
/// <c>BPF:\a\b</c>; "/" and "\" both separate; a path without the <c>BPF:</c> prefix is relative to the root;
/// ".", ".." and doubled separators are resolved; going above the root, a ":" inside the path, a control
/// character, naming the root itself or a result longer than 256 characters is an invalid argument. The legacy
/// libbpf root <c>/ebpf/global/</c> is stripped; <c>/sys/fs/bpf/x</c> is kept as <c>BPF:\sys\fs\bpf\x</c>.
/// Comparison is case-sensitive.
/// </summary>
public static class PinPath
{
    public const string Root = "BPF:\\";
    public const int MaxLength = 256;
    private const string Prefix = "BPF:";
    private const string LegacyRoot = "/ebpf/global/";

    /// <summary>The canonical form of <paramref name="path"/>; throws <see cref="EbpfException"/> (INVALID_ARGUMENT) when it has none.</summary>
    public static string Canonicalize(string path)
    {
        if (TryCanonicalize(path, out var canonical, out var error)) return canonical;
        throw new EbpfException(EbpfResult.InvalidArgument, $"pin path '{path}': {error}");
    }

    public static bool TryCanonicalize(string? path, out string canonical, out string error)
    {
        canonical = "";
        if (string.IsNullOrEmpty(path))
        {
            error = "the path is empty";
            return false;
        }
        foreach (char c in path)
        {
            if (char.IsControl(c))
            {
                error = $"control character U+{(int)c:X4} in the path";
                return false;
            }
        }
        string rest;
        if (path.StartsWith(Prefix, StringComparison.Ordinal)) rest = path[Prefix.Length..];
        else if (path.Replace('\\', '/').StartsWith(LegacyRoot, StringComparison.Ordinal)) rest = path[LegacyRoot.Length..];
        else rest = path;
        if (rest.Contains(':'))
        {
            error = "':' is only allowed in the BPF: prefix";
            return false;
        }
        var segments = new List<string>();
        foreach (var segment in rest.Split('/', '\\'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    error = "'..' goes above the root";
                    return false;
                }
                segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        if (segments.Count == 0)
        {
            error = "the path names the root, not an object";
            return false;
        }
        string result = Root + string.Join('\\', segments);
        if (result.Length > MaxLength)
        {
            error = $"the canonical path is {result.Length} characters; the limit is {MaxLength}";
            return false;
        }
        canonical = result;
        error = "";
        return true;
    }
}
