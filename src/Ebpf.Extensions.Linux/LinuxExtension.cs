using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// Linux program types as an extension of the runtime, with Linux's ABI (<see cref="LinuxAbi"/>): XDP, and socket
/// filters and tc classifiers for test runs. Unmodified Linux objects (clang -target bpf, libbpf headers) load
/// through <c>EbpfRuntime.Load</c> like any other: sections pick the type, the verifier checks them against the
/// Linux context and helper prototypes, and context loads are rewritten onto the real context before they run.
/// </summary>
public sealed class LinuxExtension : IExtension
{
    public const string ExtensionName = "Ebpf.Extensions.Linux";

    /// <summary>Helpers every Linux type here offers: the runtime's implementations (or Linux-error wrappers of them) under their Linux ids.</summary>
    private static readonly (uint Id, HelperFunction Function)[] CommonHelpers =
    [
        (LinuxHelperIds.MapLookupElem, MapHelpers.Lookup),
        (LinuxHelperIds.MapUpdateElem, LinuxMapHelpers.Update),
        (LinuxHelperIds.MapDeleteElem, LinuxMapHelpers.Delete),
        (LinuxHelperIds.MapPushElem, LinuxMapHelpers.Push),
        (LinuxHelperIds.MapPopElem, LinuxMapHelpers.Pop),
        (LinuxHelperIds.MapPeekElem, LinuxMapHelpers.Peek),
        (LinuxHelperIds.KtimeGetNs, UtilityHelpers.KtimeGetNs),
        (LinuxHelperIds.KtimeGetBootNs, UtilityHelpers.KtimeGetBootNs),
        (LinuxHelperIds.KtimeGetCoarseNs, UtilityHelpers.KtimeGetNs),
        (LinuxHelperIds.Jiffies64, LinuxPacketHelpers.Jiffies64),
        (LinuxHelperIds.GetPrandomU32, UtilityHelpers.GetPrandomU32),
        (LinuxHelperIds.GetSmpProcessorId, UtilityHelpers.GetSmpProcessorId),
        (LinuxHelperIds.GetNumaNodeId, LinuxPacketHelpers.GetNumaNodeId),
        (LinuxHelperIds.TailCall, TailCallHelper.TailCallErrno),
        (LinuxHelperIds.TracePrintk, TraceHelpers.TracePrintkLinux),
        (LinuxHelperIds.TraceVprintk, TraceHelpers.TraceVprintkLinux),
        (LinuxHelperIds.RingbufOutput, LinuxPacketHelpers.RingbufOutput),
        (LinuxHelperIds.PerfEventOutput, LinuxPacketHelpers.PerfEventOutput),
    ];

    private static readonly (uint Id, HelperFunction Function)[] XdpHelpers =
    [
        .. CommonHelpers,
        (LinuxHelperIds.Redirect, LinuxXdpHelpers.Redirect),
        (LinuxHelperIds.XdpAdjustHead, LinuxXdpHelpers.XdpAdjustHead),
        (LinuxHelperIds.RedirectMap, LinuxXdpHelpers.RedirectMap),
        (LinuxHelperIds.XdpAdjustMeta, LinuxXdpHelpers.XdpAdjustMeta),
        (LinuxHelperIds.XdpAdjustTail, LinuxPacketHelpers.XdpAdjustTail),
        (LinuxHelperIds.XdpLoadBytes, LinuxPacketHelpers.XdpLoadBytes),
        (LinuxHelperIds.XdpStoreBytes, LinuxPacketHelpers.XdpStoreBytes),
        (LinuxHelperIds.XdpGetBuffLen, LinuxPacketHelpers.XdpGetBuffLen),
        (LinuxHelperIds.CsumDiff, LinuxPacketHelpers.CsumDiff),
    ];

    /// <summary>As the kernel's socket filters: reads of the packet, no checksum or rewrite helpers.</summary>
    private static readonly (uint Id, HelperFunction Function)[] SocketFilterHelpers =
    [
        .. CommonHelpers,
        (LinuxHelperIds.SkbLoadBytes, LinuxPacketHelpers.SkbLoadBytes),
        (LinuxHelperIds.SkbLoadBytesRelative, LinuxSkBuffHelpers.LoadBytesRelative),
        (LinuxHelperIds.GetSocketCookie, LinuxSkBuffHelpers.GetSocketCookie),
    ];

    /// <summary>As the kernel's tc programs: packet rewrites with their checksum fix-ups, too.</summary>
    private static readonly (uint Id, HelperFunction Function)[] SchedClsHelpers =
    [
        .. SocketFilterHelpers,
        (LinuxHelperIds.CsumDiff, LinuxPacketHelpers.CsumDiff),
        (LinuxHelperIds.SkbStoreBytes, LinuxPacketHelpers.SkbStoreBytes),
        (LinuxHelperIds.L3CsumReplace, LinuxPacketHelpers.L3CsumReplace),
        (LinuxHelperIds.L4CsumReplace, LinuxPacketHelpers.L4CsumReplace),
        (LinuxHelperIds.Redirect, LinuxSkBuffHelpers.Redirect),
        (LinuxHelperIds.SkbPullData, LinuxSkBuffHelpers.PullData),
        (LinuxHelperIds.GetHashRecalc, LinuxSkBuffHelpers.GetHashRecalc),
        (LinuxHelperIds.SkbChangeTail, LinuxSkBuffHelpers.ChangeTail),
        (LinuxHelperIds.SkbAdjustRoom, LinuxSkBuffHelpers.AdjustRoom),
        (LinuxHelperIds.SkbVlanPush, LinuxSkBuffHelpers.VlanPush),
        (LinuxHelperIds.SkbVlanPop, LinuxSkBuffHelpers.VlanPop),
    ];

    public LinuxExtension()
    {
        Xdp = Provider(LinuxProgramTypes.Xdp, XdpHelpers, new LinuxXdpContextFactory(), LinuxXdpContext.FieldMap);
        SocketFilter = Provider(LinuxProgramTypes.SocketFilter, SocketFilterHelpers, new LinuxSkBuffContextFactory(linkLayer: false), LinuxSkBuffContext.FieldMap,
            LinuxSkBuffContext.SocketFilterWritable);
        SchedCls = Provider(LinuxProgramTypes.SchedCls, SchedClsHelpers, new LinuxSkBuffContextFactory(linkLayer: true), LinuxSkBuffContext.FieldMap,
            LinuxSkBuffContext.ClassifierWritable);
        ProgramInformationProviders = [Xdp, SocketFilter, SchedCls];
    }

    public string Name => ExtensionName;
    public ProgramInformationProvider Xdp { get; }
    public ProgramInformationProvider SocketFilter { get; }
    public ProgramInformationProvider SchedCls { get; }

    /// <summary>
    /// The verifier's Linux section prefixes for these types (PREVAIL's conventions, as the kernel samples' loader:
    /// <c>xdp1</c> is XDP), plus libbpf's <c>tc</c> with a separator, as the kernel reference engine reads it.
    /// </summary>
    public IReadOnlyList<SectionMapping> Sections { get; } =
    [
        .. Mappings(LinuxPlatform.Xdp, LinuxProgramTypes.XdpGuid, LinuxProgramTypes.XdpAttach),
        .. Mappings(LinuxPlatform.SocketFilter, LinuxProgramTypes.SocketFilterGuid, LinuxProgramTypes.SocketFilterAttach),
        .. Mappings(LinuxPlatform.ProgramTypes.Single(t => t.Name == LinuxProgramTypes.SchedCls.Name), LinuxProgramTypes.SchedClsGuid, LinuxProgramTypes.SchedClsAttach),
        Mapping("tc", LinuxProgramTypes.SchedClsGuid, LinuxProgramTypes.SchedClsAttach, isPrefix: false),
        .. new[] { "tc/", "tc.", "tc_" }.Select(p => Mapping(p, LinuxProgramTypes.SchedClsGuid, LinuxProgramTypes.SchedClsAttach, isPrefix: true)),
    ];

    public IReadOnlyList<IProgramInformationProvider> ProgramInformationProviders { get; }
    public IReadOnlyList<HookProvider> HookProviders { get; } = [];

    private static ProgramInformationProvider Provider(ProgramTypeDescriptor descriptor, (uint Id, HelperFunction Function)[] helpers,
        IProgramContextFactory contexts, IReadOnlyDictionary<int, (int Offset, int Size)> fields, IReadOnlySet<int>? writable = null) =>
        new(ExtensionName, descriptor, globalOverrides: helpers.Where(h => Offers(descriptor, h.Id)), contextFactory: contexts,
            abi: LinuxAbi.Instance, contextFields: fields, writableContextFields: writable);

    /// <summary>A helper that only works on another type's context (e.g. skb helpers) is not offered.</summary>
    private static bool Offers(ProgramTypeDescriptor descriptor, uint id) =>
        LinuxHelpers.RequiredContext((int)id) is not { } required || required == descriptor.Context;

    private static IEnumerable<SectionMapping> Mappings(LinuxProgramType type, Guid programType, Guid attachType) =>
        type.SectionPrefixes.Select(prefix => Mapping(prefix, programType, attachType, isPrefix: true));

    private static SectionMapping Mapping(string section, Guid programType, Guid attachType, bool isPrefix) =>
        new(section, programType, attachType, 0, isPrefix) { Abi = LinuxAbi.Instance };
}
