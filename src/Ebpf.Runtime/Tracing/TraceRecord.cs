namespace Ebpf.Runtime.Tracing;

/// <summary>One line a program wrote with bpf_trace_printk: when, which program, on which processor slot, and the text.</summary>
public readonly record struct TraceRecord(DateTime Timestamp, string ProgramName, int Processor, string Text)
{
    public override string ToString() => $"{Timestamp:HH:mm:ss.ffffff} [{Processor}] {ProgramName}: {Text}";
}
