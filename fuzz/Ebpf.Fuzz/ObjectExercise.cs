using Ebpf.Elf;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Process;
using Ebpf.Extensions.Sample;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Linux;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Pinning;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;

namespace Ebpf.Fuzz;

/// <summary>
/// Object bytes → open → map validation → verification → runs, the way a user loads an object: as eBPF for Windows
/// when an extension claims one of its programs (<see cref="EbpfRuntime"/>), else as a Linux XDP object
/// (<see cref="LinuxXdpObject"/>). What loads and verifies runs on the JIT and the interpreter (unchecked, as in
/// production) and on the checked interpreter, over a set of packets and contexts. Load-time refusals and the
/// documented execution errors are results; a memory fault of a verified program, or any other exception, escapes
/// (the fuzzer's crash, the soundness test's failure).
/// </summary>
public sealed class ObjectExercise : IDisposable
{
    private static readonly byte[][] Packets = [.. LinuxXdpSamples.Packets().Select(p => p.Packet)];
    private static readonly byte[][] NoPacket = [[]];

    /// <summary>Contexts a test run starts from: zeros, and a byte pattern in every field (pointer fields are then set).</summary>
    private static byte[][] Contexts(int size) => [new byte[size], [.. Enumerable.Range(0, size).Select(i => (byte)(i * 37 + 11))]];
    private readonly string _directory = Directory.CreateTempSubdirectory("ebpf-fuzz").FullName;
    private readonly SectionRegistry _sections;
    private readonly AbstractInterpretationVerifier _verifier = new();

    public ObjectExercise()
    {
        _sections = NewRuntime().Sections;
    }

    private EbpfRuntime NewRuntime() => new EbpfRuntime(_verifier, new PinNamespace())
        .Use(new SampleExtension()).Use(new NetExtension()).Use(new ProcessExtension());

    public ExerciseResult Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        BpfObject windows;
        try
        {
            windows = BpfObject.Open(bytes, "fuzz.o", new BpfObjectOpenOptions { Sections = _sections });
        }
        catch (BpfObjectException e)
        {
            return ExerciseResult.Refused("windows", e);
        }
        return windows.Programs.Any(p => p.ProgramType != Guid.Empty) ? RunWindows(windows) : RunLinux(bytes);
    }

    private static bool IsLoadRefusal(Exception e) =>
        e is BpfObjectException or EbpfException or LinuxProgramException or ProgramLoadException or InstructionDecodeException;

    private ExerciseResult RunWindows(BpfObject obj)
    {
        var runtime = NewRuntime();
        // Verified once (JIT load); the same bytes then load unverified on the other engines and modes.
        ObjectLoadOptions[] loads =
        [
            new() { Engine = ExecutionEngine.Jit },
            new() { Engine = ExecutionEngine.Interpreter, Unverified = true, Mode = ExecutionMode.Unchecked },
            new() { Engine = ExecutionEngine.Interpreter, Unverified = true, Mode = ExecutionMode.Checked },
        ];
        int accepted = 0, runs = 0;
        foreach (var options in loads)
        {
            LoadedObject loaded;
            try
            {
                loaded = runtime.Load(obj, options);
            }
            catch (Exception e) when (IsLoadRefusal(e))
            {
                if (options.Unverified) throw new InvalidOperationException($"verified programs failed to load on {options.Engine} {options.Mode}: {e.Message}", e);
                return ExerciseResult.Refused("windows", e);
            }
            using (loaded)
            {
                accepted = loaded.ProgramList.Count;
                foreach (var program in loaded.ProgramList)
                {
                    var layout = program.VerifiedAgainst.Descriptor.Context;
                    foreach (var packet in layout.HasPacket ? Packets : NoPacket)
                    foreach (var context in Contexts(layout.Size))
                    {
                        try
                        {
                            runtime.TestRun(program, new TestRunOptions { DataIn = packet, ContextIn = context });
                            runs++;
                        }
                        catch (EbpfException)
                        {
                            // The extension refused this context or packet: a documented test-run error.
                        }
                        catch (ProgramExecutionException e) when (e is not MemoryAccessFaultException)
                        {
                            runs++; // a documented execution error (call depth, budget)
                        }
                    }
                }
            }
        }
        return new ExerciseResult("windows", true, accepted, runs, null);
    }

    private ExerciseResult RunLinux(byte[] bytes)
    {
        string path = Path.Combine(_directory, $"input-{Environment.CurrentManagedThreadId}.o");
        File.WriteAllBytes(path, bytes);
        (ExecutionEngine Engine, ExecutionMode Mode, bool Verify)[] loads =
        [
            (ExecutionEngine.Jit, ExecutionMode.Unchecked, true),
            (ExecutionEngine.Interpreter, ExecutionMode.Unchecked, false),
            (ExecutionEngine.Interpreter, ExecutionMode.Checked, false),
        ];
        int accepted = 0, runs = 0;
        foreach (var (engine, mode, verify) in loads)
        {
            LinuxXdpObject obj;
            try
            {
                obj = LinuxXdpObject.Open(path, engine, mode, verify);
            }
            catch (Exception e) when (IsLoadRefusal(e))
            {
                if (!verify) throw new InvalidOperationException($"verified programs failed to load on {engine} {mode}: {e.Message}", e);
                return ExerciseResult.Refused("linux", e);
            }
            using (obj)
            {
                accepted = obj.Programs.Count;
                foreach (var program in obj.Programs)
                {
                    foreach (var packet in Packets)
                    {
                        try
                        {
                            obj.Run(program.Name, packet);
                        }
                        catch (ProgramExecutionException e) when (e is not MemoryAccessFaultException)
                        {
                            // a documented execution error
                        }
                        runs++;
                    }
                }
            }
        }
        return new ExerciseResult("linux", true, accepted, runs, null);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temporary directory is harmless
        }
    }
}
