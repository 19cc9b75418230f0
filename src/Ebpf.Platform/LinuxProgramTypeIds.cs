namespace Ebpf.Platform;

/// <summary>
/// GUIDs this runtime gives Linux's program types (Linux numbers them, eBPF for Windows names them by GUID) and the
/// attach types their sections expect. Data, as <see cref="WellKnownProgramTypes"/>: the Linux extension provides
/// these types, and others (packet sources reading a Linux XDP verdict) recognise them without depending on it.
/// </summary>
public static class LinuxProgramTypeIds
{
    public static readonly Guid Xdp = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7d01");
    public static readonly Guid SocketFilter = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7d02");
    public static readonly Guid SchedCls = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7d03");

    /// <summary>Attach types: no hook attaches these here (they run by test run), but a section names one.</summary>
    public static readonly Guid XdpAttach = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7e01");
    public static readonly Guid SocketFilterAttach = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7e02");
    public static readonly Guid SchedClsAttach = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7e03");
}
