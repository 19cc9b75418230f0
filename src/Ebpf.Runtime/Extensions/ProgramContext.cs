using System.Runtime.InteropServices;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Extensions;

/// <summary>
/// A program context in native memory (what r1 points to), preceded by a hidden 64-byte header as in eBPF for
/// Windows: helpers that receive the context find the owning <see cref="ProgramContext"/> (and the extension's
/// per-event <see cref="State"/>) through it. The data buffer, when the type has one, keeps headroom in front of
/// the data so programs may grow the packet head (adjust_head).
/// </summary>
public sealed unsafe class ProgramContext : IDisposable
{
    public const int HeaderSize = 64;
    /// <summary>Bytes reserved in front of the data so programs may grow the packet head.</summary>
    public const int Headroom = 256;
    private const ulong HeaderMagic = 0x7874_6366_7062_6265; // "ebpfctx" tag in slot 1

    private byte* _block;
    private byte* _buffer;
    private GCHandle _self;

    public ProgramContext(int contextSize, int dataLength = 0, int dataOffset = -1, int endOffset = -1, int metaOffset = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contextSize);
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        ContextSize = contextSize;
        _block = (byte*)NativeMemory.AllocZeroed((nuint)(HeaderSize + contextSize));
        _self = GCHandle.Alloc(this);
        ((nint*)_block)[0] = GCHandle.ToIntPtr(_self);
        ((ulong*)_block)[1] = HeaderMagic;
        DataOffset = dataOffset;
        EndOffset = endOffset;
        MetaOffset = metaOffset;
        if (dataOffset >= 0 && endOffset >= 0)
        {
            BufferLength = Headroom + dataLength;
            _buffer = (byte*)NativeMemory.AllocZeroed((nuint)BufferLength);
        }
    }

    /// <summary>The context bytes, after the hidden header.</summary>
    public byte* Context => _block + HeaderSize;
    public int ContextSize { get; }
    public Span<byte> ContextBytes => new(Context, ContextSize);

    public int DataOffset { get; }
    public int EndOffset { get; }
    public int MetaOffset { get; }

    /// <summary>The data buffer (headroom, then data); null when the type has no data pointers.</summary>
    public byte* DataBuffer => _buffer;
    public int BufferLength { get; }
    public bool HasData => _buffer != null;

    /// <summary>What the extension attaches to this event (e.g. the strings its helpers return).</summary>
    public object? State { get; set; }

    /// <summary>Points the data/data-end (and meta) fields at <paramref name="data"/>, placed after the headroom.</summary>
    public void SetData(ReadOnlySpan<byte> data)
    {
        if (!HasData) throw new InvalidOperationException("This context has no data pointers.");
        if (data.Length > BufferLength - Headroom)
            throw new ArgumentException($"Data of {data.Length} bytes does not fit the {BufferLength - Headroom}-byte buffer.", nameof(data));
        byte* start = _buffer + Headroom;
        data.CopyTo(new Span<byte>(start, data.Length));
        SetDataPointers(start, start + data.Length);
    }

    /// <summary>Moves the data start by <paramref name="delta"/> bytes within the buffer; false when it would leave it.</summary>
    public bool AdjustHead(long delta)
    {
        if (!HasData) return false;
        ulong start = ReadPointer(DataOffset), end = ReadPointer(EndOffset);
        long newStart = (long)start + delta;
        if (newStart < (long)_buffer || newStart > (long)end) return false;
        SetDataPointers((byte*)newStart, (byte*)end);
        return true;
    }

    /// <summary>The current packet bytes, between the data and data-end fields.</summary>
    public ReadOnlySpan<byte> Data
    {
        get
        {
            if (!HasData) return default;
            ulong start = ReadPointer(DataOffset), end = ReadPointer(EndOffset);
            ulong lo = (ulong)_buffer, hi = lo + (ulong)BufferLength;
            if (start < lo || end > hi || start > end)
                throw new InvalidOperationException("The program left the context's data pointers outside its buffer.");
            return new ReadOnlySpan<byte>((void*)start, (int)(end - start));
        }
    }

    /// <summary>
    /// Regions a checked run may access: the context, and the data buffer from its start (the headroom, into which the
    /// head may grow) to the data's end; a helper that grows the tail grants what it adds.
    /// </summary>
    public MemoryRegion[] Regions()
    {
        var context = MemoryRegion.Of(Context, (ulong)ContextSize, MemoryAccess.ReadWrite, "context");
        if (!HasData) return [context];
        ulong end = ReadPointer(EndOffset), lo = (ulong)_buffer, hi = lo + (ulong)BufferLength;
        ulong length = end >= lo && end <= hi ? end - lo : (ulong)BufferLength;
        return [context, MemoryRegion.Of(_buffer, length, MemoryAccess.ReadWrite, "packet")];
    }

    /// <summary>The context whose bytes start at <paramref name="contextPointer"/>, or null when it is not one of ours.</summary>
    public static ProgramContext? FromPointer(ulong contextPointer)
    {
        if (contextPointer < HeaderSize) return null;
        byte* header = (byte*)contextPointer - HeaderSize;
        if (((ulong*)header)[1] != HeaderMagic) return null;
        var handle = GCHandle.FromIntPtr(((nint*)header)[0]);
        return handle.Target is ProgramContext ctx && ctx.Context == (byte*)contextPointer ? ctx : null;
    }

    private ulong ReadPointer(int offset) => *(ulong*)(Context + offset);

    private void SetDataPointers(byte* start, byte* end)
    {
        *(ulong*)(Context + DataOffset) = (ulong)start;
        *(ulong*)(Context + EndOffset) = (ulong)end;
        if (MetaOffset >= 0) *(ulong*)(Context + MetaOffset) = (ulong)start;
    }

    public void Dispose()
    {
        if (_block == null) return;
        ((ulong*)_block)[1] = 0;
        _self.Free();
        NativeMemory.Free(_block);
        _block = null;
        if (_buffer != null) NativeMemory.Free(_buffer);
        _buffer = null;
    }
}
