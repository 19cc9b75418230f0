using Ebpf.TestSupport;

namespace Ebpf.Cli.Tests;

/// <summary><c>ebpf run --pcap IN [--write OUT]</c> and its refusals.</summary>
[Collection(ConsoleCollection.Name)]
public class RunPacketsCommandTests
{
    [Fact]
    public void PcapReplayPrintsThePerActionSummaryAndWritesWhatThePacketFilterForwards()
    {
        using var dir = new TempDirectory();
        {
            var packets = GeneratedTraffic.Packets(2000, seed: 3);
            string input = dir.File("in.pcap"), written = dir.File("out.pcap");
            File.WriteAllBytes(input, PcapFiles.Pcap(packets));
            var run = CliRun.Invoke("run", SampleObjects.Path("packet_filter"), "--pcap", input, "--write", written);
            Assert.True(run.ExitCode == 0, run.Error);

            var fates = packets.Select(p => (p, e: GeneratedTraffic.Expected(p.Data))).ToList();
            Assert.Contains($"DROP      {fates.Count(f => f.e.Fate == GeneratedTraffic.Fate.Drop),10}", run.Output);
            Assert.Contains($"TX        {fates.Count(f => f.e.Fate == GeneratedTraffic.Fate.Tx),10}", run.Output);
            Assert.Contains($"packets 2000,", run.Output);
            var expected = PcapFiles.Pcap(fates.Where(f => f.e.Fate != GeneratedTraffic.Fate.Drop).Select(f => f.p with { Data = f.e.Output }));
            Assert.Equal(expected, File.ReadAllBytes(written));
            Assert.Contains("attaching packet_filter", run.Error);
        }
    }

    [Fact]
    public void PacketOptionsRefuseWhatCannotWork()
    {
        Assert.Contains("exclusive", CliRun.Invoke("run", SampleObjects.Path("packet_filter"), "--pcap", "/tmp/x.pcap", "--interface", "lo").Error);
        Assert.Contains("--write needs --pcap", CliRun.Invoke("run", SampleObjects.Path("packet_filter"), "--write", "/tmp/x.pcap").Error);
        var missing = CliRun.Invoke("run", SampleObjects.Path("packet_filter"), "--pcap", "/nonexistent/in.pcap");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("/nonexistent/in.pcap", missing.Error);
        var notPackets = CliRun.Invoke("run", SampleObjects.Path("connection_policy"), "--pcap", "/nonexistent/in.pcap");
        Assert.Equal(1, notPackets.ExitCode);
        Assert.Contains("no xdp or xdp_test program", notPackets.Error);
    }
}
