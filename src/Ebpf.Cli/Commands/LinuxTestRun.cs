using System.Diagnostics;
using System.Globalization;
using Ebpf.Elf;
using Ebpf.Kernel;
using Ebpf.Runtime.Interpretation;
using Ebpf.Extensions.Linux;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf test-run --platform linux</c>: one XDP, socket filter or tc classifier program of an unmodified Linux
/// object, here (the runtime with the Linux extension: JIT or interpreter, verified unless --unverified) or in the
/// host kernel, on the packet from --data; the output matches the extension-platform test run, and data-out is what
/// BPF_PROG_TEST_RUN returns (XDP: metadata, then packet; the others: the frame). A host kernel that lacks what the program needs (bpf(2), a helper for its type, a map
/// type) is named in one line, with exit code 1.
/// </summary>
internal static class LinuxTestRun
{
    /// <summary>The Linux program types a test run here builds a context for.</summary>
    private static readonly HashSet<Guid> TestRunTypes = [LinuxProgramTypes.XdpGuid, LinuxProgramTypes.SocketFilterGuid, LinuxProgramTypes.SchedClsGuid];

    /// <param name="engine">Null runs the program in the host kernel.</param>
    public static int Run(FileInfo file, string program, FileInfo? data, FileInfo? dataOut, FileInfo? context, int repeat,
        ExecutionEngine? engine, bool unverified, TextWriter output, TextWriter error)
    {
        if (context is not null)
        {
            error.WriteLine("ebpf test-run: --ctx is not supported with --platform linux (the context is built from --data)");
            return ExitCodes.Failure;
        }
        try
        {
            byte[] packet = data is null ? new byte[64] : File.ReadAllBytes(data.FullName);
            int runs = Math.Max(1, repeat);
            uint returnValue;
            byte[] packetOut;
            double nanoseconds;
            string described;
            if (engine is not { } here)
            {
                if (!KernelBpf.IsAvailable(out string reason))
                {
                    error.WriteLine($"ebpf test-run: the host kernel cannot run programs here: {reason}");
                    return ExitCodes.Failure;
                }
                using var kernel = KernelObject.Load(file.FullName);
                var first = kernel.Run(program, packet);
                var timed = runs == 1 ? first : kernel.Run(program, packet, (uint)runs);
                (returnValue, packetOut, nanoseconds, described) = (first.ReturnValue, first.Packet, timed.AverageNanoseconds, "host kernel");
            }
            else
            {
                var runtime = new EbpfRuntime(unverified ? null : new AbstractInterpretationVerifier()).Use(new LinuxExtension());
                using var loaded = runtime.Load(file.FullName, new ObjectLoadOptions
                {
                    Abi = LinuxAbi.Instance, Engine = here, Unverified = unverified,
                    ProgramTypes = TestRunTypes,
                });
                var target = loaded.Program(program);
                var result = runtime.TestRun(target, new TestRunOptions { DataIn = packet });
                // Warm the calling code, as the kernel's is; then time the test run's loop.
                runtime.TestRun(target, new TestRunOptions { DataIn = packet, Repeat = Math.Min(runs, 100_000) });
                var timed = runtime.TestRun(target, new TestRunOptions { DataIn = packet, Repeat = runs });
                (returnValue, packetOut, nanoseconds) = ((uint)result.ReturnValue, result.DataOut, timed.DurationNanoseconds);
                described = (here == ExecutionEngine.Jit ? "jit" : "interpreter") + (unverified ? ", unverified, checked" : "");
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"retval: {returnValue}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"duration: {nanoseconds:F0} ns (average of {runs} run{(runs == 1 ? "" : "s")}, {described})"));
            if (dataOut is not null)
            {
                File.WriteAllBytes(dataOut.FullName, packetOut);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data-out: {packetOut.Length} bytes written to {dataOut.FullName}"));
            }
            return ExitCodes.Ok;
        }
        catch (KernelBpfException e) when (e.HostLacksCapability)
        {
            error.WriteLine($"ebpf test-run: {e.Summary}"); // one line: what the host kernel lacks, in its own words
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is EbpfException or KernelBpfException or BpfObjectException or EbpfMapException
            or ProgramExecutionException or ProgramLoadException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"ebpf test-run: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
