namespace Ebpf.Kernel;

/// <summary>Linux program types this reference engine loads (uapi <c>enum bpf_prog_type</c>).</summary>
public enum KernelProgramType : uint
{
    SocketFilter = 1,
    SchedCls = 3,
    Xdp = 6,
}
