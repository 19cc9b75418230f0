using System.Net;

namespace Ebpf.Extensions.Net;

/// <summary>The hook's decision, the destination as the programs left it (a redirect), and the redirect context.</summary>
public sealed record SockAddrResult(SockAddrVerdict Verdict, IPEndPoint Destination, byte[]? RedirectContext, int ProgramsRun)
{
    /// <summary>The program whose verdict ended the walk (reject or proceed-hard); null when every program proceeded softly.</summary>
    public string? DecidedBy { get; init; }
}
