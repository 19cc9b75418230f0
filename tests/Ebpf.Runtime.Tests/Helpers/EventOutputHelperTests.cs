using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Helpers;

public class EventOutputHelperTests
{
    // Writes the 8-byte value 0x0807060504030201 from the stack with bpf_ringbuf_output(map, data, r6 (size), 0).
    private static string RingOutput(EbpfMap map, int size) => $"""
        lddw %r2, 0x0807060504030201
        stxdw [%r10-8], %r2
        lddw %r1, 0x{map.Handle:x}
        mov %r2, %r10
        add %r2, -8
        mov %r3, {size}
        mov %r4, 0
        call 11
        exit
        """;

    [Fact]
    public void RingbufOutputDeliversRecordsAndReportsErrors()
    {
        using var ring = (RingBufferMap)MapFactory.Create(new MapDefinition(MapType.Ringbuf, 0, 0, 4096), "ring");
        Assert.Equal(0, Signed(Run(RingOutput(ring, 8), Interpretation.ExecutionMode.Checked)));
        Assert.Equal(0, Signed(Run(RingOutput(ring, 3))));
        Assert.Equal(-(long)EbpfResult.InvalidArgument, Signed(Run(RingOutput(ring, 0))));
        var records = new List<byte[]>();
        ring.Consume(r => records.Add(r.ToArray()));
        Assert.Equal([new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new byte[] { 1, 2, 3 }], records);

        // Fill the ring: eventually the helper reports -12 and the map counts the loss.
        long last = 0;
        for (int i = 0; i < 1000 && last == 0; i++) last = Signed(Run(RingOutput(ring, 8)));
        Assert.Equal(-(long)EbpfResult.NoMemory, last);
        Assert.Equal(1, ring.LostRecords);
    }

    [Fact]
    public void RingbufOutputToAnotherMapTypeIsInvalid()
    {
        using var hash = MapFactory.Create(new MapDefinition(MapType.Hash, 4, 4, 1), "h");
        Assert.Equal(-(long)EbpfResult.InvalidArgument, Signed(Run(RingOutput(hash, 8))));
    }

    private static string PerfOutput(EbpfMap map, ulong flags) => $"""
        lddw %r2, 0x0807060504030201
        stxdw [%r10-8], %r2
        mov %r2, 0
        lddw %r2, 0x{map.Handle:x}
        lddw %r3, 0x{flags:x}
        mov %r4, %r10
        add %r4, -8
        mov %r5, 4
        call 32
        exit
        """;

    [Fact]
    public void PerfEventOutputWritesTheCurrentCpusRingAndAppendsContextData()
    {
        using var perf = (PerfEventArrayMap)MapFactory.Create(new MapDefinition(MapType.PerfEventArray, 0, 0, 4096), "perf");
        var registry = NewRegistry();
        var current = Load(registry, "current", PerfOutput(perf, PerfEventArrayMap.CurrentCpu));
        var capture = Load(registry, "capture", PerfOutput(perf, PerfEventArrayMap.CurrentCpu | 3ul << 32));
        var tooMuch = Load(registry, "too-much", PerfOutput(perf, PerfEventArrayMap.CurrentCpu | 9ul << 32));
        var highBits = Load(registry, "high-bits", PerfOutput(perf, PerfEventArrayMap.CurrentCpu | 1ul << 60));

        using var context = new ProgramContext(32, 5, 0, 8);
        context.SetData([0xA, 0xB, 0xC, 0xD, 0xE]);
        unsafe
        {
            Assert.Equal(0ul, current.Invoke(context.Context).ReturnValue);
            Assert.Equal(0ul, capture.Invoke(context.Context).ReturnValue);
            Assert.Equal(-(long)EbpfResult.InvalidArgument, Signed(tooMuch.Invoke(context.Context).ReturnValue));
            Assert.Equal(-(long)EbpfResult.InvalidArgument, Signed(highBits.Invoke(context.Context).ReturnValue));
        }
        var records = new List<(int Cpu, byte[] Data)>();
        perf.Consume((cpu, data) => records.Add((cpu, data.ToArray())));
        Assert.Equal(2, records.Count);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, records[0].Data);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 0xA, 0xB, 0xC }, records[1].Data);
        Assert.All(records, r => Assert.InRange(r.Cpu, 0, ProcessorSlots.Count - 1));
    }

    [Fact]
    public void PerfEventOutputToAnotherCpuIsInvalid()
    {
        using var perf = (PerfEventArrayMap)MapFactory.Create(new MapDefinition(MapType.PerfEventArray, 0, 0, 4096), "perf");
        var registry = NewRegistry();
        // Ask for a CPU index that no slot has.
        var program = Load(registry, "other", PerfOutput(perf, (ulong)ProcessorSlots.Count + 5));
        using var context = new ProgramContext(32, 0, 0, 8);
        unsafe
        {
            Assert.Equal(-(long)EbpfResult.InvalidArgument, Signed(program.Invoke(context.Context).ReturnValue));
        }
    }

    [Fact]
    public void PerfEventCaptureNeedsAContextWithData()
    {
        using var perf = (PerfEventArrayMap)MapFactory.Create(new MapDefinition(MapType.PerfEventArray, 0, 0, 4096), "perf");
        // A bare run has no program type, hence no context data: capturing is not supported.
        Assert.Equal(-(long)EbpfResult.OperationNotSupported,
            Signed(Run(PerfOutput(perf, PerfEventArrayMap.CurrentCpu | 2ul << 32))));
        Assert.Equal(0, Signed(Run(PerfOutput(perf, PerfEventArrayMap.CurrentCpu))));
    }
}
