namespace Ebpf.Extensions.Net;

/// <summary>The bind decision and the socket address as the programs left it (changed on REDIRECT).</summary>
public sealed record BindResult(BindVerdict Verdict, byte[] SocketAddress, int ProgramsRun)
{
    /// <summary>The program whose verdict ended the walk; null when every program permitted softly.</summary>
    public string? DecidedBy { get; init; }
}
