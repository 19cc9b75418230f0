using System.Net;

namespace Ebpf.Extensions.Net.Sockets;

/// <summary>A connection or bind a program refused: the hook's section, the program, and the endpoints.</summary>
public sealed record PolicyRejection(string Hook, string? Program, IPEndPoint Local, IPEndPoint? Remote);
