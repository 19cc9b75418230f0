using Ebpf.Extensions.Linux;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;
using Ebpf.Verifier;

namespace Ebpf.Benchmarks;

/// <summary>A Linux object's XDP programs loaded into a runtime with the Linux extension (the one load path).</summary>
public sealed class LinuxObjects(EbpfRuntime runtime, LoadedObject loaded) : IDisposable
{
    public EbpfRuntime Runtime { get; } = runtime;
    public LoadedObject Loaded { get; } = loaded;

    /// <summary>
    /// Verified with <paramref name="options"/>; a program our verifier refuses (but the kernel accepts) is loaded
    /// unverified instead, in <paramref name="unverifiedMode"/>, and <paramref name="report"/> says so.
    /// </summary>
    public static LinuxObjects Open(string path, ExecutionEngine engine, ExecutionMode mode, ExecutionMode unverifiedMode,
        Action<string> report, VerifierOptions? options = null)
    {
        try
        {
            return Load(path, engine, mode, new AbstractInterpretationVerifier(options));
        }
        catch (EbpfException e) when (e.Result == EbpfResult.VerificationFailed)
        {
            report(e.Message.Split('\n')[0]);
            return Load(path, engine, unverifiedMode, verifier: null);
        }
    }

    /// <summary>Verified with <paramref name="options"/>; a refusal throws.</summary>
    public static LinuxObjects OpenVerified(string path, ExecutionEngine engine, ExecutionMode mode, VerifierOptions? options = null) =>
        Load(path, engine, mode, new AbstractInterpretationVerifier(options));

    private static LinuxObjects Load(string path, ExecutionEngine engine, ExecutionMode mode, IProgramVerifier? verifier)
    {
        var runtime = new EbpfRuntime(verifier).Use(new LinuxExtension());
        return new(runtime, runtime.Load(path, new ObjectLoadOptions
        {
            Abi = LinuxAbi.Instance, Engine = engine, Mode = mode, Unverified = verifier is null,
            ProgramTypes = new HashSet<Guid> { LinuxProgramTypes.XdpGuid },
        }));
    }

    /// <summary>One test run on a copy of <paramref name="packet"/>: r0 and the metadata and packet after it.</summary>
    public (uint Action, byte[] Packet) Run(string program, byte[] packet)
    {
        var result = Runtime.TestRun(Loaded.Program(program), new TestRunOptions { DataIn = packet });
        return (result.ReturnValue, result.DataOut);
    }

    public void Dispose() => Loaded.Dispose();
}
