namespace Ebpf.Platform;

/// <summary>The program-type GUIDs and descriptors of eBPF for Windows and ntosebpfext (facts sheet §5).</summary>
public static class WellKnownProgramTypes
{
    public static readonly Guid XdpGuid = new("f1832a85-85d5-45b0-98a0-7069d63013b0");
    public static readonly Guid XdpTestGuid = new("ce8ccef8-4241-4975-984d-bb3921dfa73c");
    public static readonly Guid BindGuid = new("608c517c-6c52-4a26-b677-bb1c34425adf");
    public static readonly Guid SockAddrGuid = new("92ec8e39-aeec-11ec-9a30-18602489beee");
    public static readonly Guid SockOpsGuid = new("43fb224d-68f8-46d6-aa3f-c856518cbb32");
    public static readonly Guid ProcessGuid = new("22ea7b37-1043-4d0d-b60d-cafa1c7b638e");
    public static readonly Guid NetEventGuid = new("fc4adc85-49c3-4f0a-8393-facce89cde91");
    public static readonly Guid SampleGuid = new("f788ef4a-207d-4dc3-85cf-0f2ea107213c");

    public static readonly ProgramTypeDescriptor Xdp = new("xdp", new(32, 0, 8, 16), XdpGuid, 1);
    public static readonly ProgramTypeDescriptor XdpTest = new("xdp_test", new(32, 0, 8, 16), XdpTestGuid, 998);
    public static readonly ProgramTypeDescriptor Bind = new("bind", new(56, 0, 8, -1), BindGuid, 2);
    public static readonly ProgramTypeDescriptor SockAddr = new("sock_addr", new(64, -1, -1, -1), SockAddrGuid, 3);
    public static readonly ProgramTypeDescriptor SockOps = new("sockops", new(64, -1, -1, -1), SockOpsGuid, 4);
    public static readonly ProgramTypeDescriptor Process = new("process", new(144, 0, 8, -1), ProcessGuid, 6);
    public static readonly ProgramTypeDescriptor NetEvent = new("netevent_monitor", new(24, 8, 16, 0), NetEventGuid, 5);
    public static readonly ProgramTypeDescriptor Sample = new("sample", new(32, 0, 8, -1), SampleGuid, 999);

    public static IReadOnlyList<ProgramTypeDescriptor> All { get; } = [Xdp, XdpTest, Bind, SockAddr, SockOps, Process, NetEvent, Sample];
}

/// <summary>Attach-type GUIDs of eBPF for Windows and ntosebpfext (facts sheet §5).</summary>
public static class WellKnownAttachTypes
{
    public static readonly Guid Xdp = new("85e0d8ef-579e-4931-b072-8ee226bb2e9d");
    public static readonly Guid XdpTest = new("0dccc15d-a5f9-4dc1-ac79-fa25eef215c3");
    public static readonly Guid Bind = new("b9707e04-8127-4c72-833e-05b1fb439496");
    public static readonly Guid CgroupInet4Connect = new("a82e37b1-aee7-11ec-9a30-18602489beee");
    public static readonly Guid CgroupInet6Connect = new("a82e37b2-aee7-11ec-9a30-18602489beee");
    public static readonly Guid CgroupInet4RecvAccept = new("a82e37b3-aee7-11ec-9a30-18602489beee");
    public static readonly Guid CgroupInet6RecvAccept = new("a82e37b4-aee7-11ec-9a30-18602489beee");
    public static readonly Guid CgroupInet4ConnectAuthorization = new("6076c13a-f04f-4ff8-8380-908553f22276");
    public static readonly Guid CgroupInet6ConnectAuthorization = new("54b0b6ed-432a-4674-8b27-8d9f5b40c675");
    public static readonly Guid CgroupInet4Bind = new("0d7ce21a-7773-405c-93b6-d5bfb92e74bc");
    public static readonly Guid CgroupInet6Bind = new("81de64c0-2973-468d-8382-6769f033d759");
    public static readonly Guid CgroupInet4Listen = new("e1b0cb3d-d70c-4ee2-b23a-0742bedb06d6");
    public static readonly Guid CgroupInet6Listen = new("4e72f92e-5ed0-4fe5-b851-b124fe14074d");
    public static readonly Guid SockOps = new("837d02cd-3251-4632-8d94-60d3b45769f2");
    public static readonly Guid Process = new("66e20687-9805-4458-a0db-38e220d31685");
    public static readonly Guid NetEvent = new("68011b08-ab6b-4b46-85e4-67bae1afe741");
    public static readonly Guid Sample = new("f788ef4b-207d-4dc3-85cf-0f2ea107213c");
}
