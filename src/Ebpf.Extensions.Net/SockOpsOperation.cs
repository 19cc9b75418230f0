namespace Ebpf.Extensions.Net;

/// <summary>What happened to the connection (<c>bpf_sock_op_type_t</c>).</summary>
public enum SockOpsOperation : uint
{
    ActiveEstablished = 0,
    PassiveEstablished = 1,
    ConnectionDeleted = 2,
}
