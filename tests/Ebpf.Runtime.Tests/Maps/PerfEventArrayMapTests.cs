using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Tests.Maps;

public class PerfEventArrayMapTests
{
    private static PerfEventArrayMap New() => (PerfEventArrayMap)MapFactory.Create(new MapDefinition(MapType.PerfEventArray, 0, 0, 4096), "perf");

    [Fact]
    public unsafe void RecordsGoToTheCurrentCpuRingWithCapturedContextData()
    {
        using var map = New();
        Assert.Equal(ProcessorSlots.Count, map.CpuCount);
        byte[] data = [1, 2, 3];
        byte[] packet = [9, 8, 7, 6];
        int cpu;
        using (var scope = ProgramExecutionScope.Enter())
        {
            cpu = scope.Processor;
            ulong otherCpu = (ulong)((cpu + 1) % ProcessorSlots.Count);
            if (otherCpu == (ulong)cpu) otherCpu = 12345;
            fixed (byte* d = data)
            fixed (byte* p = packet)
            {
                Assert.Equal(0, map.OutputFromProgram(PerfEventArrayMap.CurrentCpu, d, 3, null, 0));
                Assert.Equal(0, map.OutputFromProgram((ulong)(uint)cpu | (2ul << 32), d, 3, p, 4));
                Assert.Equal(-(int)EbpfResult.InvalidArgument, map.OutputFromProgram(otherCpu, d, 3, null, 0));
                Assert.Equal(-(int)EbpfResult.OperationNotSupported, map.OutputFromProgram(PerfEventArrayMap.CurrentCpu | (2ul << 32), d, 3, null, 0));
                Assert.Equal(-(int)EbpfResult.InvalidArgument, map.OutputFromProgram(PerfEventArrayMap.CurrentCpu | (5ul << 32), d, 3, p, 4));
                Assert.Equal(-(int)EbpfResult.InvalidArgument, map.OutputFromProgram(PerfEventArrayMap.CurrentCpu | (1ul << 60), d, 3, p, 4));
            }
        }
        var received = new List<(int Cpu, byte[] Data)>();
        Assert.Equal(2, map.Consume((c, r) => received.Add((c, r.ToArray()))));
        Assert.All(received, r => Assert.Equal(cpu, r.Cpu));
        Assert.Equal(new byte[] { 1, 2, 3 }, received[0].Data);
        Assert.Equal(new byte[] { 1, 2, 3, 9, 8 }, received[1].Data);
    }

    [Fact]
    public void LostRecordsAreReportedPerCpuOnce()
    {
        using var map = New();
        var payload = new byte[120]; // 128 bytes per record: 32 fit
        for (int i = 0; i < 40; i++) map.Output(0, payload);
        Assert.Equal(8, map.LostRecords(0));
        var lost = new List<(int, long)>();
        Assert.Equal(32, map.Consume((_, _) => { }, (cpu, n) => lost.Add((cpu, n))));
        Assert.Equal([(0, 8L)], lost);
        map.Consume((_, _) => { }, (cpu, n) => lost.Add((cpu, n)));
        Assert.Single(lost);
        Assert.Equal(8, map.TotalLostRecords);
    }

    [Fact]
    public async Task AsyncReaderSeesRecordsOfEveryCpu()
    {
        using var map = New();
        for (int cpu = 0; cpu < map.CpuCount; cpu++)
            for (int i = 0; i < 3; i++)
                Assert.Equal(EbpfResult.Success, map.Output(cpu, [(byte)cpu, (byte)i]));
        var seen = new List<(int, byte, byte)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var record in map.ReadAllAsync(timeout.Token))
        {
            Assert.Equal(record.Cpu, record.Data.Span[0]);
            seen.Add((record.Cpu, record.Data.Span[0], record.Data.Span[1]));
            if (seen.Count == 3 * map.CpuCount) break;
        }
        for (int cpu = 0; cpu < map.CpuCount; cpu++)
            Assert.Equal(new byte[] { 0, 1, 2 }, seen.Where(s => s.Item1 == cpu).Select(s => s.Item3));
    }

    [Fact]
    public void PollWakesOnAnyCpu()
    {
        using var map = New();
        var writer = new Thread(() =>
        {
            Thread.Sleep(30);
            map.Output(map.CpuCount - 1, [5]);
        });
        writer.Start();
        int cpuSeen = -1;
        Assert.Equal(1, map.Poll((c, _) => cpuSeen = c, TimeSpan.FromSeconds(10)));
        writer.Join();
        Assert.Equal(map.CpuCount - 1, cpuSeen);
    }
}
