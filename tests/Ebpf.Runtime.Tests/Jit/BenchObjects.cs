using System.Diagnostics;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Jit;

/// <summary>The objects of bench/build: bench/programs and the large generated programs, built by bench/build.sh (clang-19).</summary>
internal static class BenchObjects
{
    public static readonly string[] Large = ["large_straight", "large_branchy", "large_calls", "large_loop", "large_switch"];

    private static readonly Lazy<string> Built = new(BuildOnce);

    public static string Build() => Built.Value;

    private static string BuildOnce()
    {
        var start = new ProcessStartInfo("bash", [RepoPaths.RepoPath("bench", "build.sh")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var build = Process.Start(start) ?? throw new InvalidOperationException("cannot start bench/build.sh");
        var errors = build.StandardError.ReadToEndAsync();
        build.StandardOutput.ReadToEnd();
        build.WaitForExit();
        if (build.ExitCode != 0)
            Assert.Fail($"bench/build.sh failed (is clang-19 installed? run eng/setup.sh):\n{errors.Result}");
        return RepoPaths.RepoPath("bench", "build");
    }
}
