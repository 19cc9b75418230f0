namespace Ebpf.TestSupport;

/// <summary>
/// Comparisons with the host kernel that a host could not make, and why. Each note goes to the test's own output and,
/// when <c>eng/test.sh</c> set <see cref="Variable"/>, to that file, which it prints (deduplicated) before the suite's
/// closing line: a passing test's output is otherwise not shown.
/// </summary>
public static class HostKernelReport
{
    public const string Variable = "EBPF_TEST_HOST_REPORT";
    private static readonly object Gate = new();

    public static void Note(Action<string> output, string line)
    {
        output(line);
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } path) return;
        lock (Gate) File.AppendAllText(path, line.ReplaceLineEndings(" ") + "\n");
    }
}
