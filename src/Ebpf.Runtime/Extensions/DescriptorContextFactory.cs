using Ebpf.Platform;

namespace Ebpf.Runtime.Extensions;

/// <summary>
/// The test-run context of a type described only by its <see cref="ContextDescriptor"/>: <c>ctx_in</c> fills the
/// context (its pointer fields are then set), <c>data_in</c> becomes the bytes between data and data-end.
/// </summary>
public sealed class DescriptorContextFactory(ContextDescriptor descriptor) : IProgramContextFactory
{
    public ContextDescriptor Descriptor { get; } = descriptor;

    public ProgramContext Create(ReadOnlySpan<byte> contextIn, ReadOnlySpan<byte> dataIn)
    {
        if (contextIn.Length > Descriptor.Size)
            throw new ArgumentException($"ctx_in is {contextIn.Length} bytes; the context of this program type is {Descriptor.Size} bytes.", nameof(contextIn));
        if (!Descriptor.HasPacket && dataIn.Length > 0)
            throw new ArgumentException("data_in was given, but this program type's context has no data pointers.", nameof(dataIn));

        var ctx = new ProgramContext(Descriptor.Size, dataIn.Length, Descriptor.Data, Descriptor.End, Descriptor.Meta);
        contextIn.CopyTo(ctx.ContextBytes);
        if (ctx.HasData) ctx.SetData(dataIn);
        return ctx;
    }
}
