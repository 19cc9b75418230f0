using Ebpf.Platform;
using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;

namespace Ebpf.Benchmarks;

/// <summary>
/// `compile-samples [dir] [count]`: JIT compile time of the largest programs of the sample corpus (map references
/// resolved to dummy handles, helpers to a stub), median of three compilations (translation to IL and the .NET JIT's
/// native compilation, which <see cref="JitCompiler"/> forces at compile time), with how the .NET JIT compiled each
/// (<see cref="JitCodeObserver.Describe"/>: "optimized", "optimized/N" with N more methods, or "MINOPTS:k/n").
/// </summary>
public static class SampleCompileTimes
{
    public static int Execute(string[] args)
    {
        string dir = args.Length > 0 ? args[0] : "/work/shared/ebpf-samples";
        int count = args.Length > 1 ? int.Parse(args[1]) : 8;
        var programs = new List<(string File, BpfProgram Program)>();
        foreach (var path in Directory.EnumerateFiles(dir, "*.o", SearchOption.AllDirectories))
        {
            BpfObject obj;
            try { obj = BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux }); }
            catch (BpfObjectException) { continue; }
            foreach (var program in obj.Programs) programs.Add((Path.GetRelativePath(dir, path), program));
        }
        using var observer = new JitCodeObserver();
        Console.WriteLine($"{"object",-45} {"program",-32} {"insns",6} {"IL bytes",9} {"compile ms",11}  compiled");
        foreach (var (file, program) in programs.OrderByDescending(p => p.Program.Instructions.Length).Take(count))
        {
            var code = program.Instructions.AsSpan().ToArray();
            var helpers = new HelperTable();
            foreach (var id in code.Where(i => i.Opcode == OpCodes.Call && i.Src == PseudoSource.HelperCall).Select(i => (uint)i.Imm).Distinct())
                helpers.Add(id, $"helper_{id}", Stub);
            bool Resolve(WideImmediate reference, out ulong value)
            {
                value = 0x1000_0000UL + (ulong)reference.Imm * 0x100; // dummy map handle: compiled, never run
                return true;
            }
            var unresolved = code.Any(i => i.Opcode == OpCodes.Call && i.Src == PseudoSource.LocalCall && i.Imm == -1);
            var times = new List<(double Compile, int Il)>();
            JitExecutor? last = null;
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    var jit = last = JitCompiler.Compile(code, helpers, new JitOptions { ResolveWideImmediate = Resolve });
                    times.Add((Stopwatch.GetElapsedTime(start).TotalMilliseconds, jit.IlSize));
                }
            }
            catch (Exception e) when (e is ProgramLoadException or InstructionDecodeException)
            {
                Console.WriteLine($"{file,-45} {program.Name,-32} {code.Length,6} not compiled: {e.Message}{(unresolved ? " (unresolved call)" : "")}");
                continue;
            }
            var median = times.OrderBy(t => t.Compile).ElementAt(1);
            Console.WriteLine($"{file,-45} {program.Name,-32} {code.Length,6} {median.Il,9} {median.Compile,11:F1}  {observer.Describe(last!, TimeSpan.FromSeconds(10))}");
        }
        return 0;
    }

    private static ulong Stub(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context) => 0;
}
