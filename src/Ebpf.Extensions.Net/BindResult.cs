namespace Ebpf.Extensions.Net;

/// <summary>The bind decision and the socket address as the programs left it (changed on REDIRECT).</summary>
public sealed record BindResult(BindVerdict Verdict, byte[] SocketAddress, int ProgramsRun);
