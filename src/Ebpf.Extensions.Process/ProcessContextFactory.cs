using System.Buffers.Binary;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Process;

/// <summary>
/// Builds process contexts: from a <see cref="ProcessEvent"/> for the hook, and from <c>ctx_in</c>/<c>data_in</c>
/// (the command line, UTF-16) for test-run.
/// </summary>
public sealed class ProcessContextFactory : IProgramContextFactory
{
    public ProgramContext Create(ReadOnlySpan<byte> contextIn, ReadOnlySpan<byte> dataIn)
    {
        if (contextIn.Length > ProcessContextLayout.Size)
            throw new ArgumentException($"ctx_in is {contextIn.Length} bytes; process_md is {ProcessContextLayout.Size} bytes.", nameof(contextIn));
        var ctx = NewContext(dataIn.Length);
        contextIn.CopyTo(ctx.ContextBytes);
        ctx.SetData(dataIn);
        return ctx;
    }

    /// <summary>The context the hook hands to programs for <paramref name="e"/>.</summary>
    public static ProgramContext FromEvent(ProcessEvent e)
    {
        var commandLine = ProcessHelpers.Utf16(e.CommandLine);
        var ctx = NewContext(commandLine.Length);
        var bytes = ctx.ContextBytes;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[ProcessContextLayout.ProcessId..], e.ProcessId);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[ProcessContextLayout.ParentProcessId..], e.ParentProcessId);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[ProcessContextLayout.CreatingProcessId..], e.CreatingProcessId);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[ProcessContextLayout.CreatingThreadId..], e.CreatingThreadId);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[ProcessContextLayout.CreationTime..], e.CreationTime);
        if (e.Operation == ProcessOperation.Delete)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[ProcessContextLayout.ExitTime..], e.ExitTime);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[ProcessContextLayout.ProcessExitCode..], e.ExitCode);
        }
        bytes[ProcessContextLayout.Operation] = (byte)e.Operation;
        if (e.Operation == ProcessOperation.Create)
        {
            int sidLength = Math.Min(e.TokenSid.Length, ProcessContextLayout.TokenSidCapacity);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[ProcessContextLayout.TokenSidSize..], (uint)sidLength);
            e.TokenSid.AsSpan(0, sidLength).CopyTo(bytes[ProcessContextLayout.TokenSid..]);
        }
        ctx.SetData(commandLine);
        ctx.State = e;
        return ctx;
    }

    private static ProgramContext NewContext(int dataLength) =>
        new(ProcessContextLayout.Size, dataLength, ProcessContextLayout.CommandStart, ProcessContextLayout.CommandEnd);
}
