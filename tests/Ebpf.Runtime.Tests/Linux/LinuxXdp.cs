using Ebpf.Extensions.Linux;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;
using Ebpf.Verifier;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// Linux XDP objects loaded into an <see cref="EbpfRuntime"/> with the Linux extension (the one load path), and
/// their programs test-run on a packet.
/// </summary>
internal static class LinuxXdp
{
    /// <summary>A runtime with the Linux extension; verifying unless <paramref name="verify"/> is false.</summary>
    public static EbpfRuntime Runtime(bool verify = true, VerifierOptions? options = null) =>
        new EbpfRuntime(verify ? new AbstractInterpretationVerifier(options) : null).Use(new LinuxExtension());

    /// <summary>Loads the XDP programs of a Linux object (unverified ones run checked).</summary>
    public static LoadedObject LoadXdp(this EbpfRuntime runtime, string path, ExecutionEngine engine = ExecutionEngine.Jit, bool verify = true) =>
        runtime.Load(path, new ObjectLoadOptions
        {
            Abi = LinuxAbi.Instance, Engine = engine, Unverified = !verify,
            ProgramTypes = new HashSet<Guid> { LinuxProgramTypes.XdpGuid },
        });

    /// <summary>One test run of <paramref name="program"/> on a copy of <paramref name="packet"/>: r0 and the metadata and packet after it.</summary>
    public static (uint Action, byte[] Packet) Run(this EbpfRuntime runtime, LoadedObject obj, string program, byte[] packet)
    {
        var result = runtime.TestRun(obj.Program(program), new TestRunOptions { DataIn = packet });
        return (result.ReturnValue, result.DataOut);
    }

    public static ProgramArrayMap ProgramArray(this LoadedObject obj, string name) => (ProgramArrayMap)obj.Map(name);

    /// <summary>
    /// Opens a corpus XDP object for a differential run. Our verifier refuses a few programs the kernel accepts
    /// (imprecision, see the corpus expectations); those still take part, unverified and in checked mode, and the
    /// refusal is reported.
    /// </summary>
    public static (EbpfRuntime Runtime, LoadedObject Object) OpenSample(string path, ExecutionEngine engine, Action<string> report)
    {
        var verified = Runtime();
        try
        {
            return (verified, verified.LoadXdp(path, engine));
        }
        catch (EbpfException e) when (e.Result == EbpfResult.VerificationFailed)
        {
            report($"{e.Message} -> runs unverified in checked mode");
            var unverified = Runtime(verify: false);
            return (unverified, unverified.LoadXdp(path, engine, verify: false));
        }
    }
}
