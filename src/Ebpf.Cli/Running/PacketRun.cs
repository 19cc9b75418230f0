using Ebpf.Extensions.Net;
using Ebpf.Extensions.Net.Packets;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;

namespace Ebpf.Cli.Running;

/// <summary>
/// <c>ebpf run obj.o --pcap IN [--write OUT]</c> and <c>--interface NAME</c>: the object's XDP programs (xdp or
/// xdp_test) attached to the network extension's hook of their type, fed from a capture file or, in observe mode,
/// from an interface. Programs of other types are reported and left out.
/// </summary>
internal static class PacketRun
{
    public static int Run(string path, IReadOnlyList<string> programNames, string? pcap, string? write, string? interfaceName,
        CancellationToken cancellation, TextWriter output, TextWriter error)
    {
        var extensions = CliPlatform.CreateExtensions();
        var net = extensions.OfType<NetExtension>().Single();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier());
        foreach (var extension in extensions) runtime.Use(extension);
        LoadedObject loaded;
        try
        {
            loaded = runtime.Load(path);
        }
        catch (EbpfException e)
        {
            throw new CliInputException(e.Message);
        }
        using (loaded)
        {
            IReadOnlyList<EbpfProgram> selected;
            try
            {
                selected = programNames.Count == 0 ? loaded.ProgramList : programNames.Select(loaded.Program).Distinct().ToList();
            }
            catch (Exception e) when (e is KeyNotFoundException or ArgumentException or EbpfException)
            {
                throw new CliInputException(e.Message);
            }
            var packetPrograms = new List<EbpfProgram>();
            foreach (var program in selected)
            {
                if (program.ProgramType == WellKnownProgramTypes.XdpGuid || program.ProgramType == WellKnownProgramTypes.XdpTestGuid)
                    packetPrograms.Add(program);
                else
                    error.WriteLine($"ebpf run: not attaching {program.Name} ({program.ProgramTypeName}): --pcap and --interface feed xdp and xdp_test programs only");
            }
            if (packetPrograms.Count == 0)
            {
                error.WriteLine($"ebpf run: {Path.GetFileName(path)}: no xdp or xdp_test program to run on packets");
                return ExitCodes.Failure;
            }
            if (packetPrograms.Select(p => p.ProgramType).Distinct().Count() > 1)
                throw new CliInputException("the object has both xdp and xdp_test programs: name the ones to run (they attach to different hooks)");
            var hook = packetPrograms[0].ProgramType == WellKnownProgramTypes.XdpGuid ? net.Xdp : net.XdpTest;
            var links = packetPrograms.Select(p => runtime.Extensions.Attach(p)).ToList();
            foreach (var program in packetPrograms)
                error.WriteLine($"ebpf run: attaching {program.Name} (section {program.Section}, {program.ProgramTypeName})");
            try
            {
                var processor = new XdpHookProcessor(hook);
                PacketSummary summary;
                if (pcap is not null)
                {
                    error.WriteLine($"ebpf run: replaying {pcap}" + (write is not null ? $", writing what the programs forward to {write}" : ""));
                    summary = Replay(pcap, write, processor);
                }
                else
                {
                    error.WriteLine($"ebpf run: observing {interfaceName} (observe mode: verdicts are counted and reported, not enforced; " +
                        "the kernel has already delivered each packet)");
                    summary = Observe(interfaceName!, processor, cancellation);
                }
                output.WriteLine(summary);
                return ExitCodes.Ok;
            }
            finally
            {
                foreach (var link in links) runtime.Extensions.Detach(link);
            }
        }
    }

    private static PacketSummary Replay(string pcap, string? write, IPacketProcessor processor)
    {
        try
        {
            return PacketReplay.Run(pcap, write, processor);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CliInputException(e.Message);
        }
    }

    private static PacketSummary Observe(string interfaceName, IPacketProcessor processor, CancellationToken cancellation)
    {
        try
        {
            return new LivePacketSource(interfaceName).Observe(processor, cancellation);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            throw new CliInputException(e.Message);
        }
    }
}
