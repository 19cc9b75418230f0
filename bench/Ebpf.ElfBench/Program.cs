using System.Diagnostics;
using BenchmarkDotNet.Running;
using Ebpf.Elf;
using Ebpf.ElfBench;
using Ebpf.TestSupport;

// `--quick`: a Stopwatch run (a few seconds) printing the median and best open time per object;
// otherwise BenchmarkDotNet (dotnet run -c Release --project bench/Ebpf.ElfBench -- --filter '*').
if (args is ["--quick", ..])
{
    Console.WriteLine($"{"object",-30} {"size",10} {"programs",8} {"maps",5} {"insns",8} {"median",10} {"best",10} {"MB/s",7} {"alloc/open",11} {"gen2",5}");
    foreach (var name in ElfOpenBenchmarks.Objects)
    {
        var bytes = File.ReadAllBytes(RepoPaths.SharedPath("ebpf-samples", name));
        var obj = BpfObject.Open(bytes, name);
        for (int i = 0; i < 5; i++) BpfObject.Open(bytes, name);
        var times = new List<double>();
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        int gen2 = GC.CollectionCount(2);
        var total = Stopwatch.StartNew();
        while (times.Count < 30 || (total.Elapsed.TotalSeconds < 3 && times.Count < 2000))
        {
            var watch = Stopwatch.StartNew();
            BpfObject.Open(bytes, name);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        double allocPerOpen = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)times.Count;
        gen2 = GC.CollectionCount(2) - gen2;
        times.Sort();
        double median = times[times.Count / 2];
        Console.WriteLine($"{name,-30} {bytes.Length,10} {obj.Programs.Length,8} {obj.Maps.Length,5} " +
            $"{obj.Programs.Sum(p => p.Instructions.Length),8} {median,8:F2}ms {times[0],8:F2}ms {bytes.Length / 1e6 / (median / 1e3),7:F0} {allocPerOpen / 1e6,9:F1}MB {gen2,5}");
    }
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(ElfOpenBenchmarks).Assembly).Run(args);
