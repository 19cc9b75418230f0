namespace Ebpf.Extensions.Net.Packets;

/// <summary>What to tell the user when libpcap is missing or refuses.</summary>
internal static class LibPcap
{
    public static string Explain(Exception e) => e is DllNotFoundException || e.InnerException is DllNotFoundException
        ? "libpcap is not installed (apt-get install libpcap0.8; eng/setup.sh does)"
        : e.Message;
}
