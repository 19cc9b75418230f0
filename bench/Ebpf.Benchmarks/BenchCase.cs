namespace Ebpf.Benchmarks;

/// <summary>One row of the comparison: an object of bench/build, its entry program and its input packet.</summary>
public sealed record BenchCase(string Label, string Object, string Program, string Packet)
{
    /// <summary>The large generated programs (bench/make_large.py), 2,000-10,000 instructions each.</summary>
    public static IReadOnlyList<string> Large { get; } = ["large_straight", "large_branchy", "large_calls", "large_loop", "large_switch"];

    /// <summary>The families of bench/programs and the large generated programs, in table order.</summary>
    public static IReadOnlyList<BenchCase> All { get; } =
    [
        new("prime", "prime", "bench_prime", "default"),
        new("memcpy", "memcpy", "bench_memcpy", "default"),
        new("strcmp_full", "strcmp", "bench_strcmp", "strcmp_full"),
        new("strcmp_early", "strcmp", "bench_strcmp", "strcmp_early"),
        new("switch", "switch", "bench_switch", "default"),
        new("log2", "log2", "bench_log2", "default"),
        new("checksum", "checksum", "bench_checksum", "default"),
        new("parse", "parse", "bench_parse", "parse"),
        new("hashmap", "hashmap", "bench_hashmap", "default"),
        new("calls", "calls", "bench_calls", "default"),
        new("tailcall", "tailcall", "bench_tailcall", "default"),
        .. Large.Select(name => new BenchCase(name, name, $"bench_{name}", "default")),
    ];


    public static BenchCase Find(string label) => All.FirstOrDefault(c => c.Label == label)
        ?? throw new ArgumentException($"no benchmark case '{label}' (have: {string.Join(", ", All.Select(c => c.Label))})");

    public override string ToString() => Label;
}
