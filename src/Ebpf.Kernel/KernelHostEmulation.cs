namespace Ebpf.Kernel;

/// <summary>
/// Makes this engine act as a less capable host would, so the paths for such hosts are run on any host:
/// <c>EBPF_KERNEL_REFUSE=bpf</c> fails every bpf(2) with EPERM (no privileges, seccomp); <c>EBPF_KERNEL_REFUSE=xdp:54</c>
/// refuses helper 54 to XDP programs at load, with the verifier's own wording. Items are comma-separated. A test
/// scopes the same with <see cref="Refuse"/>, which holds for its own async flow only.
/// </summary>
public static class KernelHostEmulation
{
    public const string Variable = "EBPF_KERNEL_REFUSE";

    private static readonly Lazy<Refusals?> FromEnvironment = new(() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text ? Refusals.Parse(text, $"{Variable}={text}") : null);
    private static readonly AsyncLocal<Refusals?> Scoped = new();

    /// <summary>Until disposed, this async flow sees the host refuse what <paramref name="spec"/> names (same syntax as the variable).</summary>
    public static IDisposable Refuse(string spec)
    {
        var previous = Scoped.Value;
        Scoped.Value = Refusals.Parse(spec, $"emulated {spec}");
        return new Restore(previous);
    }

    private static Refusals? Current => Scoped.Value ?? FromEnvironment.Value;

    /// <summary>True while any refusal is emulated (the availability probe then runs afresh rather than from its cache).</summary>
    internal static bool Active => Current is not null;

    /// <summary>The label to append to an emulated refusal when bpf(2) as a whole is refused, else null.</summary>
    internal static string? RefusesBpf => Current is { Bpf: true } r ? r.Label : null;

    /// <summary>The label when <paramref name="helper"/> is refused to <paramref name="type"/>, else null.</summary>
    internal static string? RefusesHelper(KernelProgramType type, int helper) =>
        Current is { } r && r.Helpers.Contains((type, helper)) ? r.Label : null;

    private sealed record Refusals(bool Bpf, HashSet<(KernelProgramType, int)> Helpers, string Label)
    {
        public static Refusals Parse(string spec, string label)
        {
            bool bpf = false;
            var helpers = new HashSet<(KernelProgramType, int)>();
            foreach (string item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (item == "bpf") { bpf = true; continue; }
                string[] parts = item.Split(':');
                if (parts.Length != 2 || !Enum.TryParse(parts[0], ignoreCase: true, out KernelProgramType type) || !Enum.IsDefined(type)
                    || !int.TryParse(parts[1], out int helper) || helper <= 0)
                    throw new ArgumentException($"{Variable}: '{item}' is neither 'bpf' nor '<program type>:<helper id>' " +
                        $"(program types: {string.Join(", ", Enum.GetNames<KernelProgramType>().Select(n => n.ToLowerInvariant()))})");
                helpers.Add((type, helper));
            }
            return new Refusals(bpf, helpers, label);
        }
    }

    private sealed class Restore(Refusals? previous) : IDisposable
    {
        public void Dispose() => Scoped.Value = previous;
    }
}
