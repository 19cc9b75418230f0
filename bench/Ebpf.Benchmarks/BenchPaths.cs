namespace Ebpf.Benchmarks;

/// <summary>Finds bench/build (objects and packets from bench/build.sh): $EBPF_BENCH_BUILD, or up from the binary.</summary>
public static class BenchPaths
{
    public static string Build { get; } = Locate();

    public static string Object(string name) => Path.Combine(Build, name + ".o");
    public static string Packet(string name) => Path.Combine(Build, name + ".bin");

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("EBPF_BENCH_BUILD") is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "bench", "build");
            if (Directory.Exists(candidate)) return candidate;
            if (dir.Name == "bench" && Directory.Exists(Path.Combine(dir.FullName, "build"))) return Path.Combine(dir.FullName, "build");
        }
        throw new DirectoryNotFoundException("bench/build not found: run bench/build.sh first, or set EBPF_BENCH_BUILD");
    }
}
