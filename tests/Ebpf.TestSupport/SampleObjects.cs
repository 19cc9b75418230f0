using System.Diagnostics;

namespace Ebpf.TestSupport;

/// <summary>The compiled samples (samples/*.c): built once per test run by samples/build.sh (incremental).</summary>
public static class SampleObjects
{
    private static readonly Lazy<string> LazyBuild = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Path of samples/build/<paramref name="name"/>.o, building the samples first if needed.</summary>
    public static string Path(string name) => System.IO.Path.Combine(LazyBuild.Value, name + ".o");

    private static string Build()
    {
        var script = RepoPaths.RepoPath("samples", "build.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start bash for samples/build.sh");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"samples/build.sh failed (exit {process.ExitCode}; is clang-19 installed?):\n{output.Result}{error}");
        return RepoPaths.RepoPath("samples", "build");
    }
}
