using Ebpf.Extensions.Linux;
using Ebpf.Kernel;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;

namespace Ebpf.Benchmarks;

/// <summary>
/// `xdp-samples [--repeat N]`: the Linux XDP objects of the sample corpus, unmodified, here (JIT) and in the host
/// kernel (BPF_PROG_TEST_RUN). For each program: whether the action and output packet agree on every test packet,
/// and ns per run on the IPv4/UDP packet in each (kernel: its own repeat average; here: thread CPU time).
/// </summary>
public static class SampleXdpComparison
{
    public static int Execute(string[] args)
    {
        uint repeat = 100_000;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--repeat") repeat = uint.Parse(args[++i]);
            else throw new ArgumentException($"xdp-samples: unknown argument '{args[i]}'");
        }
        bool kernelAvailable = KernelBpf.IsAvailable(out string reason);
        if (!kernelAvailable) Console.WriteLine($"kernel reference unavailable ({reason}): kernel columns empty");
        Console.WriteLine($"{"object/program",-58} {"agree",7} {"kernel ns",10} {"jit ns",10} {"jit/kern",9}");
        double logSum = 0;
        int ratios = 0, disagreements = 0;
        var (timingName, timingPacket) = LinuxXdpSamples.Packets().First();
        foreach (var file in LinuxXdpSamples.Objects)
        {
            string path = RepoPaths.SharedPath("ebpf-samples", file);
            LinuxObjects ours;
            try
            {
                ours = OpenHere(path, file);
            }
            catch (Exception e)
            {
                Console.WriteLine($"{file,-58} not runnable here: {e.Message.Split('\n')[0]}");
                continue;
            }
            KernelObject? kernel = null;
            try
            {
                if (kernelAvailable) kernel = KernelObject.Load(path);
            }
            catch (KernelBpfException e)
            {
                Console.WriteLine($"{file,-58} kernel refused the object: {e.Summary}");
            }
            using (ours)
            using (kernel)
            {
                foreach (var (name, refusal) in kernel?.Refused ?? new Dictionary<string, KernelBpfException>())
                    Console.WriteLine($"{file + " " + name,-58} not in the kernel: {refusal.Summary}");
                foreach (var program in ours.Loaded.ProgramList)
                {
                    bool inKernel = kernel is not null && kernel.Programs.Contains(program.Name) && kernel.TypeOf(program.Name) == KernelProgramType.Xdp;
                    string agree = "-";
                    if (inKernel)
                    {
                        int same = 0, total = 0;
                        foreach (var (_, packet) in LinuxXdpSamples.Packets())
                        {
                            var expected = kernel!.Run(program.Name, packet);
                            var actual = ours.Run(program.Name, packet);
                            total++;
                            if (expected.ReturnValue == actual.Action && expected.Packet.AsSpan().SequenceEqual(actual.Packet)) same++;
                        }
                        disagreements += total - same;
                        agree = $"{same}/{total}";
                    }
                    double kernelNs = inKernel ? kernel!.Run(program.Name, timingPacket, repeat).AverageNanoseconds : double.NaN;
                    double jitNs = TimeHere(ours, program, timingPacket, repeat);
                    double ratio = jitNs / kernelNs;
                    if (double.IsFinite(ratio) && kernelNs > 0) { logSum += Math.Log(ratio); ratios++; }
                    Console.WriteLine($"{file + " " + program.Name,-58} {agree,7} {Format(kernelNs),10} {Format(jitNs),10} {Format(ratio, "F2"),9}");
                }
            }
        }
        Console.WriteLine($"timing packet: {timingName}; geometric mean jit/kernel {(ratios == 0 ? "-" : Math.Exp(logSum / ratios).ToString("F2"))} over {ratios} programs; " +
            $"{disagreements} runs disagree with the kernel");
        return disagreements == 0 ? 0 : 1;
    }

    /// <summary>A program our verifier refuses but the kernel accepts still runs, unverified and in checked mode (marked).</summary>
    private static LinuxObjects OpenHere(string path, string file) =>
        LinuxObjects.Open(path, ExecutionEngine.Jit, ExecutionMode.Unchecked, ExecutionMode.Checked,
            reason => Console.WriteLine($"{file,-58} our verifier refuses it ({reason.Split(": ", 2)[^1]}); timed unverified, checked mode"));

    private static unsafe double TimeHere(LinuxObjects ours, EbpfProgram program, byte[] packet, uint repeat)
    {
        using var context = LinuxXdpContext.Create(packet);
        var regions = program.Mode == ExecutionMode.Checked ? context.Regions() : [];
        program.InvokeRepeated(context.Context, regions, (int)Math.Max(1000, repeat / 10));
        double start = ThreadCpuClock.NowNanoseconds();
        program.InvokeRepeated(context.Context, regions, (int)repeat); // the test run's loop, as the kernel's side is timed
        return (ThreadCpuClock.NowNanoseconds() - start) / repeat;
    }

    private static string Format(double value, string format = "F1") => double.IsFinite(value) ? value.ToString(format) : "-";
}
