using Ebpf.Platform;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// The Linux program types this extension provides: their descriptors (the contexts as Linux programs read them, from
/// the verifier's <see cref="LinuxPlatform"/>), their GUIDs and the attach types their sections expect (<see cref="LinuxProgramTypeIds"/>).
/// </summary>
public static class LinuxProgramTypes
{
    public static readonly Guid XdpGuid = LinuxProgramTypeIds.Xdp;
    public static readonly Guid SocketFilterGuid = LinuxProgramTypeIds.SocketFilter;
    public static readonly Guid SchedClsGuid = LinuxProgramTypeIds.SchedCls;

    public static readonly Guid XdpAttach = LinuxProgramTypeIds.XdpAttach;
    public static readonly Guid SocketFilterAttach = LinuxProgramTypeIds.SocketFilterAttach;
    public static readonly Guid SchedClsAttach = LinuxProgramTypeIds.SchedClsAttach;

    public static readonly ProgramTypeDescriptor Xdp = Describe(LinuxPlatform.Xdp, XdpGuid);
    public static readonly ProgramTypeDescriptor SocketFilter = Describe(LinuxPlatform.SocketFilter, SocketFilterGuid);
    public static readonly ProgramTypeDescriptor SchedCls = Describe(LinuxPlatform.ProgramTypes.Single(t => t.Name == "sched_cls"), SchedClsGuid);

    private static ProgramTypeDescriptor Describe(LinuxProgramType type, Guid guid) =>
        new(type.Name, type.Context, guid, type.BpfProgType, type.IsPrivileged);
}
