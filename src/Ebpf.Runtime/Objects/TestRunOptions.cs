namespace Ebpf.Runtime.Objects;

/// <summary>
/// The inputs of a test run (libbpf's <c>bpf_test_run_opts</c>): <see cref="DataIn"/> becomes the packet the
/// context's data pointers span, <see cref="ContextIn"/> the context; the program runs <see cref="Repeat"/> times
/// on that context (0 counts as 1).
/// </summary>
public sealed record TestRunOptions
{
    public ReadOnlyMemory<byte> DataIn { get; init; }
    public ReadOnlyMemory<byte> ContextIn { get; init; }
    public int Repeat { get; init; } = 1;

    public static TestRunOptions Default { get; } = new();
}
