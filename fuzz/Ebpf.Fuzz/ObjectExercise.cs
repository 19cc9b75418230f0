using Ebpf.Elf;
using Ebpf.Extensions.Linux;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Process;
using Ebpf.Extensions.Sample;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Pinning;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;

namespace Ebpf.Fuzz;

/// <summary>
/// Object bytes → open → map validation → verification → runs, the way a user loads an object: through the one
/// <see cref="EbpfRuntime"/> load path, in eBPF for Windows' ABI when an extension claims one of its programs, else in
/// Linux's (<see cref="LinuxAbi"/>, with the Linux extension). What loads and verifies runs on the JIT and the
/// interpreter (unchecked, as in production) and on the checked interpreter, over a set of packets and contexts.
/// Load-time refusals and the documented execution errors are results; a memory fault of a verified program, or any
/// other exception, escapes (the fuzzer's crash, the soundness test's failure). Verdicts are memoized
/// (<see cref="MemoizedVerifier"/>); loading, map creation, compilation and runs happen for every input.
/// </summary>
public sealed class ObjectExercise : IDisposable
{
    private static readonly byte[][] Packets = [.. LinuxXdpSamples.Packets().Select(p => p.Packet)];
    private static readonly byte[][] NoPacket = [[]];

    /// <summary>Contexts a test run starts from: zeros, and a byte pattern in every field (pointer fields are then set).</summary>
    private static byte[][] Contexts(int size) => [new byte[size], [.. Enumerable.Range(0, size).Select(i => (byte)(i * 37 + 11))]];
    private readonly string? _directory;
    private readonly string? _inputPath;
    private readonly MemoizedVerifier _verifier = new(new AbstractInterpretationVerifier());

    /// <summary>A runtime with every extension here: what chooses an object's ABI (<see cref="ObjectAbi"/>).</summary>
    private readonly EbpfRuntime _chooser;

    /// <param name="inputPath">Where each input is written before it loads (a crash leaves it there); by default a
    /// file per thread in a temporary directory that <see cref="Dispose"/> removes.</param>
    public ObjectExercise(string? inputPath = null)
    {
        _inputPath = inputPath;
        if (inputPath is null) _directory = Directory.CreateTempSubdirectory("ebpf-fuzz").FullName;
        _chooser = WindowsRuntime().Use(new LinuxExtension());
    }

    /// <summary>
    /// The namespace the exercise's runtimes pin LIBBPF_PIN_BY_NAME maps in (one input runs at a time); emptied after
    /// every load, so each load creates its maps afresh and none outlives its input (a pin holds a reference: a map left pinned stays live in
    /// the process-wide <see cref="MapRegistry"/> for good).
    /// </summary>
    public PinNamespace Pins { get; } = new();

    private EbpfRuntime WindowsRuntime() => new EbpfRuntime(_verifier, Pins)
        .Use(new SampleExtension()).Use(new NetExtension()).Use(new ProcessExtension());

    private EbpfRuntime LinuxRuntime() => new EbpfRuntime(_verifier, Pins).Use(new LinuxExtension());

    /// <summary>
    /// Exercises the object in the ABI <see cref="ObjectAbi"/> chooses over both ABIs' extensions, as
    /// <see cref="EbpfRuntime.Load(string, ObjectLoadOptions?)"/> does. Where that is ambiguous (a SEC("xdp") program
    /// that fits both) the bytes go through both ABIs; the result is the first that loaded, else Linux's refusal.
    /// </summary>
    public ExerciseResult Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        string path = _inputPath ?? Path.Combine(_directory!, $"input-{Environment.CurrentManagedThreadId}.o");
        File.WriteAllBytes(path, bytes);
        PlatformAbi? abi;
        string? ambiguity;
        try
        {
            abi = ObjectAbi.Choose(_chooser.Extensions, BpfObject.Open(bytes, path, new BpfObjectOpenOptions { Sections = _chooser.Sections }), out ambiguity);
        }
        catch (BpfObjectException e)
        {
            return ExerciseResult.Refused("windows", e);
        }
        if (abi is null && ambiguity is null) abi = PlatformAbi.Windows;
        var windows = abi == LinuxAbi.Instance ? null : Exercise("windows", WindowsRuntime(), path, PlatformAbi.Windows);
        if (windows is { Loaded: true } || abi == PlatformAbi.Windows) return windows!;
        return Exercise("linux", LinuxRuntime(), path, LinuxAbi.Instance);
    }

    private static bool IsLoadRefusal(Exception e) =>
        e is BpfObjectException or EbpfException or ProgramLoadException or InstructionDecodeException;

    private ExerciseResult Exercise(string abiName, EbpfRuntime runtime, string path, PlatformAbi abi)
    {
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
                loaded = runtime.Load(path, options with { Abi = abi });
            }
            catch (Exception e) when (IsLoadRefusal(e))
            {
                if (options.Unverified) throw new InvalidOperationException($"verified programs failed to load on {options.Engine} {options.Mode}: {e.Message}", e);
                return ExerciseResult.Refused(abiName, e);
            }
            using (loaded)
            try
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
            finally
            {
                foreach (var (pinned, _) in Pins.Enumerate()) Pins.TryUnpin(pinned);
            }
        }
        return new ExerciseResult(abiName, true, accepted, runs, null);
    }

    /// <summary>Verifications answered from memory, and those analysed.</summary>
    public (long Hits, long Misses) Verdicts => (_verifier.Hits, _verifier.Misses);

    public void Dispose()
    {
        try
        {
            if (_directory is not null) Directory.Delete(_directory, recursive: true);
            else if (_inputPath is not null) File.Delete(_inputPath);
        }
        catch (IOException)
        {
            // a leftover temporary directory is harmless
        }
    }
}
