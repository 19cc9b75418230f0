using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.Extensions.Linux;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Native;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Benchmarks;

/// <summary>
/// `module-loads [count] [dir...]`: for the largest Linux objects (by instructions) that load and verify here, the
/// load of the object (open, verify, JIT) against the load of its native module (read and digest check, assembly
/// load, hash check, the .NET JIT's native compilation), medians of five alternating loads; then the run time of
/// each program on the sample packets, JIT against module: per packet the best of seven alternating rounds of 2000
/// runs, averaged over the seven packets (same process, same inputs).
/// Default directories: the sample corpus and bench/build.
/// </summary>
public static class NativeModuleTimes
{
    public static int Execute(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0]) : 8;
        string[] dirs = args.Length > 1 ? args[1..] : [RepoPaths.SharedPath("ebpf-samples"), RepoPaths.RepoPath("bench", "build")];
        var options = new ObjectLoadOptions { Abi = LinuxAbi.Instance };
        EbpfRuntime Runtime() => new EbpfRuntime(new AbstractInterpretationVerifier()).Use(new LinuxExtension());

        var candidates = new List<(string Path, int Instructions)>();
        foreach (var path in dirs.SelectMany(d => Directory.EnumerateFiles(d, "*.o", SearchOption.AllDirectories)))
        {
            try
            {
                var obj = BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = Ebpf.Platform.MapTypeNumbering.Linux });
                candidates.Add((path, obj.Programs.Sum(p => p.Instructions.Length)));
            }
            catch (BpfObjectException) { }
        }
        Console.WriteLine($"{"object",-48} {"progs",5} {"insns",6} {"module KB",9} {"load .o ms",10} {"load module ms",14} {"ratio",6}");
        var loaded = new List<(string Name, byte[] Module)>();
        foreach (var (path, instructions) in candidates.OrderByDescending(c => c.Instructions))
        {
            if (loaded.Count == count) break;
            byte[] module;
            int programs;
            try
            {
                using var obj = Runtime().Load(path, options);
                programs = obj.ProgramList.Count;
                module = NativeModuleWriter.Write(obj, File.ReadAllBytes(path), Path.GetFileName(path), unverified: false);
            }
            catch (Exception e) when (e is EbpfException or BpfObjectException or EbpfMapException or Ebpf.Runtime.Interpretation.ProgramLoadException
                or Ebpf.Isa.InstructionDecodeException) { continue; }
            string name = Path.GetRelativePath(RepoPaths.Root, path);
            var objectTimes = new List<double>();
            var moduleTimes = new List<double>();
            for (int i = 0; i < 5; i++)
            {
                var runtime = Runtime();
                long start = Stopwatch.GetTimestamp();
                runtime.Load(path, options).Dispose();
                objectTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                runtime = Runtime();
                start = Stopwatch.GetTimestamp();
                runtime.Load(NativeModule.Read(module, name), options).Dispose();
                moduleTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            double o = Median(objectTimes), m = Median(moduleTimes);
            Console.WriteLine($"{name,-48} {programs,5} {instructions,6} {module.Length / 1024.0,9:F0} {o,10:F1} {m,14:F1} {o / m,5:F1}x");
            loaded.Add((path, module));
        }

        Console.WriteLine();
        Console.WriteLine($"{"object",-48} {"program",-28} {"JIT ns/run",10} {"module ns/run",13}");
        foreach (var (path, module) in loaded)
        {
            var jitRuntime = Runtime();
            using var jit = jitRuntime.Load(path, options);
            var nativeRuntime = Runtime();
            using var native = nativeRuntime.Load(NativeModule.Read(module, path), options);
            foreach (var program in jit.ProgramList)
            {
                // Per packet the best of seven alternating rounds (the machine is shared: a slow round is someone else's).
                double jitNs = 0, moduleNs = 0;
                bool runnable = true;
                foreach (var (_, packet) in LinuxXdpSamples.Packets())
                {
                    double jitBest = double.MaxValue, moduleBest = double.MaxValue;
                    for (int round = 0; round < 7 && runnable; round++)
                    {
                        try
                        {
                            jitBest = Math.Min(jitBest, jitRuntime.TestRun(program, new TestRunOptions { DataIn = packet, Repeat = 2000 }).DurationNanoseconds);
                            moduleBest = Math.Min(moduleBest, nativeRuntime.TestRun(native.Program(program.Name),
                                new TestRunOptions { DataIn = packet, Repeat = 2000 }).DurationNanoseconds);
                        }
                        catch (Exception)
                        {
                            runnable = false;
                        }
                    }
                    jitNs += jitBest / 7;
                    moduleNs += moduleBest / 7;
                }
                if (runnable)
                    Console.WriteLine($"{Path.GetRelativePath(RepoPaths.Root, path),-48} {program.Name,-28} {jitNs,10:F0} {moduleNs,13:F0}");
            }
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
