using Ebpf.Platform;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// The Linux program types this extension provides: their descriptors (the contexts as Linux programs read them, from
/// the verifier's <see cref="LinuxPlatform"/>), GUIDs for this runtime, and the attach types their sections expect.
/// </summary>
public static class LinuxProgramTypes
{
    public static readonly Guid XdpGuid = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7d01");
    public static readonly Guid SocketFilterGuid = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7d02");
    public static readonly Guid SchedClsGuid = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7d03");

    /// <summary>Attach types: no hook attaches these here (they run by test run), but a section names one.</summary>
    public static readonly Guid XdpAttach = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7e01");
    public static readonly Guid SocketFilterAttach = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7e02");
    public static readonly Guid SchedClsAttach = new("5a0c6f0e-3b1d-4e36-9d0b-6c2f1e8a7e03");

    public static readonly ProgramTypeDescriptor Xdp = Describe(LinuxPlatform.Xdp, XdpGuid);
    public static readonly ProgramTypeDescriptor SocketFilter = Describe(LinuxPlatform.SocketFilter, SocketFilterGuid);
    public static readonly ProgramTypeDescriptor SchedCls = Describe(LinuxPlatform.ProgramTypes.Single(t => t.Name == "sched_cls"), SchedClsGuid);

    private static ProgramTypeDescriptor Describe(LinuxProgramType type, Guid guid) =>
        new(type.Name, type.Context, guid, type.BpfProgType, type.IsPrivileged);
}
