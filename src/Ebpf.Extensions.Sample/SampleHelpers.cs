using System.Buffers.Binary;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;

namespace Ebpf.Extensions.Sample;

/// <summary>
/// Helpers of the sample extension (65536-65542, as upstream's sample_ext_program_info.h declares them) and its
/// overrides of global helpers 19 and 35. 65541 and 65542 work on the extension's custom map only.
/// </summary>
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
        (new HelperPrototype(65541, "sample_ext_helper_map_lookup_element", ReturnType.PtrToMapValueOrNull,
            ArgumentType.PtrToMap, ArgumentType.PtrToMapKey) { ImplicitContext = true }, MapLookupElement),
        (new HelperPrototype(65542, "sample_ext_helper_map_get_value", ReturnType.Integer,
            ArgumentType.PtrToMap, ArgumentType.PtrToMapKey, ArgumentType.PtrToWritableMem, ArgumentType.ConstSize) { ImplicitContext = true }, MapGetValue),
    ];

    /// <summary>The module GUID under which the sample extension exports its BTF-resolved functions.</summary>
    public static readonly Guid BtfModule = new("8f6c1f83-ce4c-4b58-8b91-654a29e23b7c");

    /// <summary>sample_ebpf_extension_btf_lookup(key, value, value_size): returns key + value_size (facts sheet §5.7).</summary>
    public static BtfFunctionImplementation BtfLookup { get; } = new(
        new BtfResolvedFunction(BtfModule, "sample_ebpf_extension_btf_lookup", ReturnType.Integer,
            [ArgumentType.Anything, ArgumentType.PtrToWritableMem, ArgumentType.ConstSize]),
        (ulong key, ulong value, ulong size, ulong r4, ulong r5, ref HelperCallContext call) =>
        {
            HelperMemory.Writable(ref call, value, size); // the buffer must be the program's to write, as declared
            return (ulong)(uint)key + size;
        });

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

    /// <summary>The value stored under the key in the sample custom map, or 0 (NULL) for any other map or a miss.</summary>
    public static unsafe ulong MapLookupElement(ulong map, ulong key, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (CustomMap(map, 65541, ref call) is not { } target) return 0;
        byte* value = target.LookupForProgram(Key(target, key, ref call));
        if (value != null && call.IsChecked)
            call.RegisterRegion((ulong)value, (ulong)target.ValueSize, MemoryAccess.ReadWrite, $"value of map '{target.Name}'");
        return (ulong)value;
    }

    /// <summary>Copies the value stored under the key into the buffer (up to its size): 0, or -1 when there is none.</summary>
    public static unsafe ulong MapGetValue(ulong map, ulong key, ulong buffer, ulong size, ulong r5, ref HelperCallContext call)
    {
        if (CustomMap(map, 65542, ref call) is not { } target) return Failure;
        byte* value = target.LookupForProgram(Key(target, key, ref call));
        if (value == null) return Failure;
        var destination = HelperMemory.Writable(ref call, buffer, size);
        new ReadOnlySpan<byte>(value, (int)Math.Min(size, (ulong)target.ValueSize)).CopyTo(destination);
        return 0;
    }

    private static unsafe byte* Key(EbpfMap map, ulong key, ref HelperCallContext call)
    {
        if (call.IsChecked) call.ValidateAccess(key, (ulong)map.KeySize, MemoryAccess.Read);
        return (byte*)key;
    }

    private static EbpfMap? CustomMap(ulong handle, uint helperId, ref HelperCallContext call)
    {
        var map = Ebpf.Runtime.Helpers.MapHelpers.Resolve(handle, helperId, ref call);
        return map.Definition.Type == MapType.SampleHashMap ? map : null;
    }

    private static ulong ReadContextU32(ref HelperCallContext call, int offset) =>
        ProgramContext.FromPointer(call.ProgramContext) is { } ctx
            ? BinaryPrimitives.ReadUInt32LittleEndian(ctx.ContextBytes[offset..])
            : Failure;
}
