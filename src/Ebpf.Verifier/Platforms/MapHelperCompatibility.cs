using System.Collections.Frozen;
using Ebpf.Platform;

namespace Ebpf.Verifier.Platforms;

/// <summary>
/// Which helpers each special map type may be passed to, and which map types each map helper takes: the Linux
/// kernel's <c>check_map_func_compatibility</c>, and eBPF for Windows' helper contracts. Data, per ABI; a pair
/// missing from both tables is allowed.
/// </summary>
public sealed class MapHelperCompatibility
{
    private readonly MapTypeTable _types;
    private readonly FrozenDictionary<uint, uint[]> _helpersOfMapType;
    private readonly FrozenDictionary<uint, uint[]> _mapTypesOfHelper;
    private readonly Func<uint, string?> _helperName;
    private readonly Func<uint, bool> _providedByExtension;
    private readonly FrozenSet<uint> _providerOperations;

    /// <param name="providedByExtension">Map types an extension provides (custom maps), which answer
    /// <paramref name="providerOperations"/> themselves, whatever the helper's own map types.</param>
    public MapHelperCompatibility(MapTypeTable types, Func<uint, string?> helperName, IDictionary<uint, uint[]> helpersOfMapType,
        IDictionary<uint, uint[]> mapTypesOfHelper, Func<uint, bool>? providedByExtension = null, IEnumerable<uint>? providerOperations = null)
    {
        _types = types;
        _helperName = helperName;
        _helpersOfMapType = helpersOfMapType.ToFrozenDictionary();
        _mapTypesOfHelper = mapTypesOfHelper.ToFrozenDictionary();
        _providedByExtension = providedByExtension ?? (_ => false);
        _providerOperations = (providerOperations ?? []).ToFrozenSet();
    }

    /// <summary>Why <paramref name="helper"/> may not take a map of <paramref name="mapType"/> (the ABI's numbering), or null.</summary>
    public string? Check(HelperPrototype helper, uint mapType)
    {
        bool allowedByMap = !_helpersOfMapType.TryGetValue(mapType, out var helpers) || helpers.Contains(helper.Id);
        bool allowedByHelper = !_mapTypesOfHelper.TryGetValue(helper.Id, out var types) || types.Contains(mapType)
            || (_providerOperations.Contains(helper.Id) && _providedByExtension(mapType));
        if (allowedByMap && allowedByHelper) return null;
        string takes = allowedByHelper
            ? $"{_types.NameOf(mapType)} maps are only for {string.Join(", ", helpers!.Select(id => $"{_helperName(id) ?? "helper"}#{id}"))}"
            : $"{helper.Name} takes only {string.Join(" or ", types!.Select(_types.NameOf))} maps";
        return $"cannot pass map_type {mapType} ({_types.NameOf(mapType)}) into func {helper.Name}#{helper.Id}: {takes}";
    }

    // Linux helper ids (enum bpf_func_id) and map types (enum bpf_map_type) as check_map_func_compatibility pairs them.
    private const uint LookupElem = 1, UpdateElem = 2, DeleteElem = 3, TailCall = 12, PerfEventRead = 22, PerfEventOutput = 25,
        GetStackId = 27, SkbUnderCgroup = 33, CurrentTaskUnderCgroup = 37, RedirectMap = 51, SkRedirectMap = 52, SockMapUpdate = 53,
        PerfEventReadValue = 55, MsgRedirectMap = 60, GetStack = 67, SockHashUpdate = 70, MsgRedirectHash = 71, SkRedirectHash = 72,
        GetLocalStorage = 81, SkSelectReuseport = 82, PushElem = 87, PopElem = 88, PeekElem = 89, SkStorageGet = 107,
        SkStorageDelete = 108, SkbOutput = 111, XdpOutput = 121, RingbufOutput = 130, RingbufReserve = 131, RingbufQuery = 134,
        InodeStorageGet = 145, InodeStorageDelete = 146, TaskStorageGet = 156, TaskStorageDelete = 157, LookupPercpuElem = 195,
        ForEachMapElem = 164, RingbufReserveDynptr = 198, UserRingbufDrain = 209, CgrpStorageGet = 210, CgrpStorageDelete = 211;

    private const uint Hash = 1, Array = 2, LruHash = 9, ProgArray = 3, PerfEventArray = 4, PercpuHash = 5, PercpuArray = 6, StackTrace = 7, CgroupArray = 8,
        LruPercpuHash = 10, ArrayOfMaps = 12, HashOfMaps = 13, DevMap = 14, SockMap = 15, CpuMap = 16, XskMap = 17, SockHash = 18,
        CgroupStorage = 19, ReuseportSockarray = 20, PercpuCgroupStorage = 21, Queue = 22, Stack = 23, SkStorage = 24,
        DevMapHash = 25, Ringbuf = 27, InodeStorage = 28, TaskStorage = 29, BloomFilter = 30, UserRingbuf = 31, CgrpStorage = 32;

    public static MapHelperCompatibility Linux { get; } = new(MapTypeTable.Linux, id => LinuxHelpers.Find((int)id)?.Name,
        new Dictionary<uint, uint[]>
        {
            [ProgArray] = [TailCall],
            [PerfEventArray] = [PerfEventRead, PerfEventOutput, PerfEventReadValue, SkbOutput, XdpOutput],
            [Ringbuf] = [RingbufOutput, RingbufReserve, RingbufQuery, RingbufReserveDynptr],
            [UserRingbuf] = [UserRingbufDrain],
            [StackTrace] = [GetStackId],
            [CgroupArray] = [SkbUnderCgroup, CurrentTaskUnderCgroup],
            [CgroupStorage] = [GetLocalStorage],
            [PercpuCgroupStorage] = [GetLocalStorage],
            [DevMap] = [RedirectMap, LookupElem],
            [DevMapHash] = [RedirectMap, LookupElem],
            [CpuMap] = [RedirectMap],
            [XskMap] = [RedirectMap, LookupElem],
            [ArrayOfMaps] = [LookupElem],
            [HashOfMaps] = [LookupElem],
            [SockMap] = [SkRedirectMap, SockMapUpdate, MsgRedirectMap, SkSelectReuseport, LookupElem, UpdateElem, DeleteElem],
            [SockHash] = [SkRedirectHash, SockHashUpdate, MsgRedirectHash, SkSelectReuseport, LookupElem, UpdateElem, DeleteElem],
            [ReuseportSockarray] = [SkSelectReuseport],
            [Queue] = [PeekElem, PopElem, PushElem],
            [Stack] = [PeekElem, PopElem, PushElem],
            [BloomFilter] = [PeekElem, PushElem],
            [SkStorage] = [SkStorageGet, SkStorageDelete],
            [InodeStorage] = [InodeStorageGet, InodeStorageDelete],
            [TaskStorage] = [TaskStorageGet, TaskStorageDelete],
            [CgrpStorage] = [CgrpStorageGet, CgrpStorageDelete],
        },
        new Dictionary<uint, uint[]>
        {
            [TailCall] = [ProgArray],
            // The map types whose ops have map_for_each_callback.
            [ForEachMapElem] = [Hash, Array, PercpuHash, PercpuArray, LruHash, LruPercpuHash],
            [PerfEventRead] = [PerfEventArray],
            [PerfEventOutput] = [PerfEventArray],
            [PerfEventReadValue] = [PerfEventArray],
            [SkbOutput] = [PerfEventArray],
            [XdpOutput] = [PerfEventArray],
            [RingbufOutput] = [Ringbuf],
            [RingbufReserve] = [Ringbuf],
            [RingbufQuery] = [Ringbuf],
            [RingbufReserveDynptr] = [Ringbuf],
            [UserRingbufDrain] = [UserRingbuf],
            [GetStackId] = [StackTrace],
            [SkbUnderCgroup] = [CgroupArray],
            [CurrentTaskUnderCgroup] = [CgroupArray],
            [RedirectMap] = [DevMap, DevMapHash, CpuMap, XskMap],
            [SkRedirectMap] = [SockMap],
            [MsgRedirectMap] = [SockMap],
            [SockMapUpdate] = [SockMap],
            [SkRedirectHash] = [SockHash],
            [MsgRedirectHash] = [SockHash],
            [SockHashUpdate] = [SockHash],
            [GetLocalStorage] = [CgroupStorage, PercpuCgroupStorage],
            [SkSelectReuseport] = [ReuseportSockarray, SockMap, SockHash],
            [PopElem] = [Queue, Stack],
            [PeekElem] = [Queue, Stack, BloomFilter],
            [PushElem] = [Queue, Stack, BloomFilter],
            [LookupPercpuElem] = [PercpuHash, PercpuArray, LruPercpuHash],
            [SkStorageGet] = [SkStorage],
            [SkStorageDelete] = [SkStorage],
            [InodeStorageGet] = [InodeStorage],
            [InodeStorageDelete] = [InodeStorage],
            [TaskStorageGet] = [TaskStorage],
            [TaskStorageDelete] = [TaskStorage],
            [CgrpStorageGet] = [CgrpStorage],
            [CgrpStorageDelete] = [CgrpStorage],
        });

    /// <summary>
    /// eBPF for Windows (facts §2, §4): a program array is only for bpf_tail_call (PREVAIL types it apart from other
    /// maps) and bpf_tail_call takes only one; the ring, perf and queue/stack helpers take their own map types.
    /// Other pairs (e.g. update of a map of maps) are left to the helper, which answers with an error code. A custom
    /// map (a type past the built-in ones, facts §4) is served by its provider's dispatch table for every generic map
    /// operation, push/pop/peek included: the provider answers, with an error code when it does not support one, so
    /// upstream loads such calls.
    /// </summary>
    public static MapHelperCompatibility Windows { get; } = new(MapTypeTable.Windows, id => GlobalHelpers.Find(id)?.Name,
        new Dictionary<uint, uint[]>
        {
            [(uint)MapType.ProgArray] = [GlobalHelpers.TailCall],
        },
        new Dictionary<uint, uint[]>
        {
            [GlobalHelpers.TailCall] = [(uint)MapType.ProgArray],
            [GlobalHelpers.RingbufOutput] = [(uint)MapType.Ringbuf],
            [GlobalHelpers.PerfEventOutput] = [(uint)MapType.PerfEventArray],
            [GlobalHelpers.MapPushElem] = [(uint)MapType.Queue, (uint)MapType.Stack],
            [GlobalHelpers.MapPopElem] = [(uint)MapType.Queue, (uint)MapType.Stack],
            [GlobalHelpers.MapPeekElem] = [(uint)MapType.Queue, (uint)MapType.Stack],
        },
        providedByExtension: type => MapTypeTable.Windows.Find(type)?.Has(MapTypeTraits.ProvidedByExtension) == true,
        providerOperations: [GlobalHelpers.MapPushElem, GlobalHelpers.MapPopElem, GlobalHelpers.MapPeekElem]);
}
