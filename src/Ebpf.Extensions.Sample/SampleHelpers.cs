using System.Buffers.Binary;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Extensions.Sample;

/// <summary>Helpers of the sample extension (65536-65542) and its overrides of global helpers 19 and 35.</summary>
public static class SampleHelpers
{
    private const ulong Failure = ulong.MaxValue;

    public static IReadOnlyList<(HelperPrototype, HelperFunction)> All { get; } =
    [
        (new HelperPrototype(65536, "sample_ebpf_extension_helper_function1", ReturnType.Integer, ArgumentType.PtrToCtx), Function1),
        (new HelperPrototype(65537, "sample_ebpf_extension_find", ReturnType.Integer,
            ArgumentType.PtrToReadableMem, ArgumentType.ConstSize, ArgumentType.PtrToReadableMem, ArgumentType.ConstSize), Find),
        (new HelperPrototype(65538, "sample_ebpf_extension_replace", ReturnType.Integer,
            ArgumentType.PtrToReadableMem, ArgumentType.ConstSize, ArgumentType.Anything, ArgumentType.PtrToReadableMem, ArgumentType.ConstSize), Replace),
        (new HelperPrototype(65539, "sample_ebpf_extension_helper_implicit_1", ReturnType.Integer) { ImplicitContext = true }, Implicit1),
        (new HelperPrototype(65540, "sample_ebpf_extension_helper_implicit_2", ReturnType.Integer) { ImplicitContext = true }, Implicit2),
    ];

    public static IReadOnlyList<(uint, HelperFunction)> Overrides { get; } =
    [
        (GlobalHelpers.GetCurrentPidTgid, (ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext c) => 9999),
        (GlobalHelpers.RedirectMap, (ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext c) => 1),
    ];

    public static ulong Function1(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) => 0;

    /// <summary>Offset of the first occurrence of the second buffer in the first, or -1.</summary>
    public static ulong Find(ulong buffer, ulong size, ulong find, ulong findSize, ulong r5, ref HelperCallContext call)
    {
        var haystack = HelperMemory.Readable(ref call, buffer, size);
        var needle = HelperMemory.Readable(ref call, find, findSize);
        int index = haystack.IndexOf(needle);
        return index < 0 ? Failure : (ulong)index;
    }

    /// <summary>Overwrites the first buffer at <paramref name="position"/> with the second; -1 when it does not fit.</summary>
    public static ulong Replace(ulong buffer, ulong size, ulong position, ulong replace, ulong replaceSize, ref HelperCallContext call)
    {
        if (position > size || replaceSize > size - position) return Failure;
        var source = HelperMemory.Readable(ref call, replace, replaceSize);
        source.CopyTo(HelperMemory.Writable(ref call, buffer + position, replaceSize));
        return 0;
    }

    public static unsafe ulong Implicit1(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        ReadContextU32(ref call, SampleContextLayout.HelperData1);

    public static unsafe ulong Implicit2(ulong arg, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        ReadContextU32(ref call, SampleContextLayout.HelperData2) + arg;

    private static ulong ReadContextU32(ref HelperCallContext call, int offset) =>
        ProgramContext.FromPointer(call.ProgramContext) is { } ctx
            ? BinaryPrimitives.ReadUInt32LittleEndian(ctx.ContextBytes[offset..])
            : Failure;
}
