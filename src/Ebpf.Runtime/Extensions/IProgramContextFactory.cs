namespace Ebpf.Runtime.Extensions;

/// <summary>Context create/destroy for test-run: what an extension does with <c>ctx_in</c> and <c>data_in</c>.</summary>
public interface IProgramContextFactory
{
    /// <summary>Builds a context; throws <see cref="ArgumentException"/> naming the argument that does not fit.</summary>
    ProgramContext Create(ReadOnlySpan<byte> contextIn, ReadOnlySpan<byte> dataIn);

    /// <summary>What a test run returns as <c>data_out</c>: the packet (for XDP on Linux, the metadata in front of it too).</summary>
    ReadOnlySpan<byte> DataOut(ProgramContext context) => context.Data;

    /// <summary>How many bytes of the context a test run returns as <c>ctx_out</c> (what lies past them is the extension's own).</summary>
    int ContextOutLength(ProgramContext context) => context.ContextSize;
}
