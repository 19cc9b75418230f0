using Ebpf.Extensions.Net.Packets;

namespace Ebpf.Extensions.Net.Tests;

/// <summary>Bad packet input gets an error that names what is at fault.</summary>
public sealed class PacketInputErrorTests
{
    private static readonly XdpHookProcessor Processor = new(new NetExtension().XdpTest);

    [Fact]
    public void AFileThatIsNoCaptureIsNamed()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not a capture file at all");
            var e = Assert.Throws<InvalidDataException>(() => PacketReplay.Run(path, null, Processor));
            Assert.Contains(path, e.Message);
            Assert.Contains("pcap", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingCaptureFileIsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => PacketReplay.Run("/nonexistent/in.pcap", null, Processor));
        Assert.Contains("/nonexistent/in.pcap", e.Message);
    }

    [Fact]
    public void AnUnknownInterfaceIsNamedWithTheOnesThatExist()
    {
        var e = Assert.ThrowsAny<Exception>(() => new LivePacketSource("no-such-if0").Observe(Processor, CancellationToken.None));
        Assert.True(e is ArgumentException or InvalidOperationException, e.ToString());
        Assert.Contains("no-such-if0", e.Message + e.InnerException?.Message);
    }
}
