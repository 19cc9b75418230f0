using System.Buffers.Binary;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Sample;

/// <summary>Test-run contexts of the sample type: <c>ctx_in</c> must hold the whole 32-byte context.</summary>
public sealed class SampleContextFactory : IProgramContextFactory
{
    public ProgramContext Create(ReadOnlySpan<byte> contextIn, ReadOnlySpan<byte> dataIn)
    {
        if (contextIn.Length < SampleContextLayout.Size)
            throw new ArgumentException($"ctx_in is {contextIn.Length} bytes; the sample context needs {SampleContextLayout.Size}.", nameof(contextIn));
        if (contextIn.Length > SampleContextLayout.Size)
            throw new ArgumentException($"ctx_in is {contextIn.Length} bytes; the sample context is {SampleContextLayout.Size}.", nameof(contextIn));
        var ctx = New(dataIn.Length);
        contextIn.CopyTo(ctx.ContextBytes);
        ctx.SetData(dataIn);
        return ctx;
    }

    internal static ProgramContext Build(ReadOnlySpan<byte> data, uint helperData1, uint helperData2)
    {
        var ctx = New(data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.ContextBytes[SampleContextLayout.HelperData1..], helperData1);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.ContextBytes[SampleContextLayout.HelperData2..], helperData2);
        ctx.SetData(data);
        return ctx;
    }

    private static ProgramContext New(int dataLength) =>
        new(SampleContextLayout.Size, dataLength, SampleContextLayout.DataStart, SampleContextLayout.DataEnd);
}
