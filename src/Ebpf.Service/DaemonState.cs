using Ebpf.Elf;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Pinning;
using Ebpf.Runtime.Programs;
using Ebpf.Service.Protocol;
using Google.Protobuf;
using MapInfo = Ebpf.Service.Protocol.MapInfo;

namespace Ebpf.Service;

/// <summary>
/// What the daemon owns: one execution context with every extension, the live sources of its hooks, the pin
/// namespace, the objects clients loaded (until unloaded) and the links they made (until detached). One lock
/// orders every request, so concurrent clients see each change whole; a bad request throws an
/// <see cref="Grpc.Core.RpcException"/> (or an <see cref="EbpfException"/> the interceptor turns into one) and
/// changes nothing.
/// </summary>
public sealed class DaemonState : IDisposable
{
    /// <summary>A dump returns at most this many entries (larger maps are cut, and the reply says how many exist).</summary>
    public const int MaxDumpEntries = 100_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<uint, DaemonObject> _objects = [];
    private readonly Dictionary<uint, (EbpfProgram Program, DaemonObject Object)> _programs = [];
    private readonly Dictionary<uint, Link> _links = [];
    private readonly ILiveEventSources? _sources;
    private uint _nextObjectId;
    private bool _disposed;

    public DaemonState(IReadOnlyList<IExtension> extensions, Func<IReadOnlyList<IExtension>, ILiveEventSources>? liveSources)
    {
        Runtime = new EbpfRuntime(new AbstractInterpretationVerifier(), new PinNamespace());
        foreach (var extension in extensions) Runtime.Use(extension);
        _sources = liveSources?.Invoke(extensions);
    }

    public EbpfRuntime Runtime { get; }
    public PinNamespace Pins => Runtime.Pins;

    // ---------------------------------------------------------------- programs

    public ProgramList ListPrograms()
    {
        lock (_gate)
        {
            var pins = PinsByTarget();
            var list = new ProgramList();
            list.Programs.AddRange(_programs.Values.OrderBy(p => p.Program.Id).Select(p => Describe(p.Program, p.Object, pins)));
            return list;
        }
    }

    public ProgramInfo ShowProgram(uint id)
    {
        lock (_gate)
        {
            var (program, owner) = FindProgram(id);
            return Describe(program, owner, PinsByTarget());
        }
    }

    public LoadReply Load(LoadRequest request)
    {
        string fileName = string.IsNullOrWhiteSpace(request.FileName) ? "object.o" : Path.GetFileName(request.FileName);
        if (request.Object.IsEmpty) throw DaemonErrors.InvalidArgument($"{fileName}: the request carries no object bytes");
        // Loading (verification above all) runs outside the lock: other clients are served meanwhile, and nobody
        // sees the object before it is registered below.
        ObjectDisposedException.ThrowIf(_disposed, this);
        LoadedObject loaded;
        try
        {
            loaded = Runtime.Load(request.Object.Memory, fileName);
        }
        catch (BpfObjectException e)
        {
            throw DaemonErrors.InvalidArgument($"{fileName}: not a loadable object: {e.Message}");
        }
        lock (_gate)
        {
            if (_disposed)
            {
                loaded.Dispose();
                throw new ObjectDisposedException(nameof(DaemonState), "the daemon is stopping");
            }
            var owner = new DaemonObject(++_nextObjectId, loaded);
            var pinned = new List<string>();
            try
            {
                if (request.PinDir.Length > 0)
                {
                    foreach (var program in loaded.ProgramList) pinned.Add(PinAt(Combine(request.PinDir, program.Name), program));
                    foreach (var (name, map) in loaded.Maps.OrderBy(m => m.Key, StringComparer.Ordinal)) pinned.Add(PinAt(Combine(request.PinDir, name), map));
                }
            }
            catch
            {
                foreach (var path in pinned) Pins.TryUnpin(path);
                loaded.Dispose();
                throw;
            }
            _objects.Add(owner.Id, owner);
            foreach (var program in loaded.ProgramList) _programs.Add(program.Id, (program, owner));
            var pins = PinsByTarget();
            var reply = new LoadReply { ObjectId = owner.Id, ObjectName = loaded.Name };
            reply.Programs.AddRange(loaded.ProgramList.Select(p => Describe(p, owner, pins)));
            reply.Maps.AddRange(loaded.MapsByIndex.Select(m => Describe(m, pins)));
            reply.Pins.AddRange(pinned);
            return reply;
        }
    }

    public PinReply PinProgram(uint id, string path)
    {
        lock (_gate)
        {
            var (program, _) = FindProgram(id);
            return new PinReply { Path = PinAt(path, program) };
        }
    }

    /// <summary>Unloads the object that holds program <paramref name="id"/>: its links are detached, its program pins removed.</summary>
    public UnloadReply Unload(uint id)
    {
        lock (_gate)
        {
            var (_, owner) = FindProgram(id);
            var programs = owner.Loaded.ProgramList;
            var reply = new UnloadReply { ObjectId = owner.Id, ObjectName = owner.Loaded.Name };
            reply.ProgramIds.AddRange(programs.Select(p => p.Id));
            foreach (var link in _links.Values.Where(l => programs.Contains(l.Program)).ToList())
            {
                _links.Remove(link.Id);
                Runtime.Extensions.Detach(link);
                reply.LinkIds.Add(link.Id);
            }
            foreach (var (path, target) in Pins.Enumerate())
            {
                if (target is EbpfProgram program && programs.Contains(program) && Pins.TryUnpin(path) == EbpfResult.Success) reply.Unpinned.Add(path);
            }
            foreach (var program in programs) _programs.Remove(program.Id);
            _objects.Remove(owner.Id);
            owner.Loaded.Dispose();
            return reply;
        }
    }

    // ---------------------------------------------------------------- maps

    public MapList ListMaps()
    {
        lock (_gate)
        {
            var pins = PinsByTarget();
            var list = new MapList();
            list.Maps.AddRange(AllMaps().Select(m => Describe(m, pins)));
            return list;
        }
    }

    public MapDump Dump(MapRef reference)
    {
        lock (_gate)
        {
            var map = FindMap(reference);
            var dump = new MapDump { Map = Describe(map, PinsByTarget()) };
            switch (map)
            {
                case RingBufferMap ring:
                    ring.Consume(record => dump.Records.Add(ByteString.CopyFrom(record)));
                    break;
                case PerfEventArrayMap perf:
                    perf.Consume((_, record) => dump.Records.Add(ByteString.CopyFrom(record)));
                    break;
                default:
                    foreach (var key in Keys(map).Take(MaxDumpEntries))
                    {
                        var value = new byte[map.UserValueSize];
                        // An entry a program deleted since the walk found its key is left out.
                        if (map.TryLookup(key, value) == EbpfResult.Success)
                            dump.Entries.Add(new MapEntry { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value) });
                    }
                    break;
            }
            return dump;
        }
    }

    public MapEntry Lookup(MapKeyRequest request)
    {
        lock (_gate)
        {
            var map = FindMap(request.Map);
            CheckKey(map, request.Key);
            var value = new byte[map.UserValueSize];
            var result = map.TryLookup(request.Key.Span, value);
            if (result is EbpfResult.ObjectNotFound or EbpfResult.KeyNotFound)
                throw DaemonErrors.NotFound($"{Name(map)}: no entry for key {Convert.ToHexString(request.Key.Span)}");
            Check(result, map, "lookup");
            return new MapEntry { Key = request.Key, Value = ByteString.CopyFrom(value) };
        }
    }

    public void Update(MapUpdateRequest request)
    {
        if (request.Flags > (uint)MapUpdateFlags.Exist)
            throw DaemonErrors.InvalidArgument($"update flags {request.Flags}: 0 (any), 1 (only if absent) or 2 (only if present)");
        lock (_gate)
        {
            var map = FindMap(request.Map);
            CheckKey(map, request.Key);
            if (request.Value.Length != map.UserValueSize)
                throw DaemonErrors.InvalidArgument($"{Name(map)} has {map.UserValueSize}-byte values; the value given has {request.Value.Length} bytes");
            Check(map.TryUpdate(request.Key.Span, request.Value.Span, (MapUpdateFlags)request.Flags), map, "update");
        }
    }

    public void Delete(MapKeyRequest request)
    {
        lock (_gate)
        {
            var map = FindMap(request.Map);
            CheckKey(map, request.Key);
            var result = map.TryDelete(request.Key.Span);
            if (result is EbpfResult.ObjectNotFound or EbpfResult.KeyNotFound)
                throw DaemonErrors.NotFound($"{Name(map)}: no entry for key {Convert.ToHexString(request.Key.Span)}");
            Check(result, map, "delete");
        }
    }

    // ---------------------------------------------------------------- links

    public LinkList ListLinks()
    {
        lock (_gate)
        {
            var list = new LinkList();
            list.Links.AddRange(_links.Values.OrderBy(l => l.Id).Select(Describe));
            return list;
        }
    }

    public LinkInfo Attach(AttachRequest request)
    {
        Guid? attachType = null;
        if (request.AttachType.Length > 0)
        {
            if (!Guid.TryParse(request.AttachType, out var parsed))
                throw DaemonErrors.InvalidArgument($"attach type '{request.AttachType}' is not a GUID");
            attachType = parsed;
        }
        lock (_gate)
        {
            var (program, _) = FindProgram(request.ProgramId);
            var link = Runtime.Extensions.Attach(program, attachType, request.Parameters.ToByteArray());
            _links.Add(link.Id, link);
            return Describe(link);
        }
    }

    public void Detach(uint id)
    {
        Link? link;
        lock (_gate)
        {
            if (!_links.Remove(id, out link))
                throw DaemonErrors.NotFound($"link {id} is not attached: no such link here (already detached, or never made)");
            Runtime.Extensions.Detach(link);
        }
    }

    // ---------------------------------------------------------------- pins

    public PinList ListPins()
    {
        lock (_gate)
        {
            var list = new PinList();
            foreach (var (path, target) in Pins.Enumerate())
            {
                list.Pins.Add(target switch
                {
                    EbpfMap map => new PinInfo { Path = path, Kind = "map", Id = map.Id, Name = map.Name },
                    EbpfProgram program => new PinInfo { Path = path, Kind = "program", Id = program.Id, Name = program.Name },
                    Link link => new PinInfo { Path = path, Kind = "link", Id = link.Id, Name = link.Program.Name },
                    _ => new PinInfo { Path = path, Kind = target.GetType().Name },
                });
            }
            return list;
        }
    }

    // ---------------------------------------------------------------- helpers

    private (EbpfProgram Program, DaemonObject Object) FindProgram(uint id) =>
        _programs.TryGetValue(id, out var found) ? found
        : throw DaemonErrors.NotFound($"no program with id {id} is loaded in the daemon" +
            (_programs.Count == 0 ? " (none is)" : $" (ids: {string.Join(", ", _programs.Keys.Order())})"));

    /// <summary>The maps of loaded objects and the pinned maps, each once, by id.</summary>
    private List<EbpfMap> AllMaps() =>
        [.. _objects.Values.SelectMany(o => o.Loaded.MapsByIndex)
            .Concat(Pins.Enumerate().Select(p => p.Value).OfType<EbpfMap>())
            .Where(m => !m.IsDisposed).DistinctBy(m => m.Id).OrderBy(m => m.Id)];

    private EbpfMap FindMap(MapRef? reference)
    {
        if (reference is null) throw DaemonErrors.InvalidArgument("the request names no map (give an id, a pinned path or a name)");
        int given = (reference.Id != 0 ? 1 : 0) + (reference.Pinned.Length > 0 ? 1 : 0) + (reference.Name.Length > 0 ? 1 : 0);
        if (given != 1) throw DaemonErrors.InvalidArgument($"a map is named by exactly one of id, pinned path and name; the request gives {given}");
        if (reference.Pinned.Length > 0)
        {
            if (!PinPath.TryCanonicalize(reference.Pinned, out var canonical, out var error))
                throw DaemonErrors.InvalidArgument($"pin path '{reference.Pinned}': {error}");
            return Pins.TryGet(canonical) switch
            {
                EbpfMap map => map,
                null => throw DaemonErrors.NotFound($"nothing is pinned at '{canonical}'"),
                var other => throw DaemonErrors.InvalidArgument($"'{canonical}' holds a {KindOf(other)}, not a map"),
            };
        }
        var maps = AllMaps();
        if (reference.Id != 0)
            return maps.FirstOrDefault(m => m.Id == reference.Id) ?? throw DaemonErrors.NotFound(
                $"no map with id {reference.Id} is held by the daemon" + (maps.Count == 0 ? " (none is)" : $" (ids: {string.Join(", ", maps.Select(m => m.Id))})"));
        var named = maps.Where(m => m.Name == reference.Name).ToList();
        return named.Count switch
        {
            1 => named[0],
            0 => throw DaemonErrors.NotFound($"no map named '{reference.Name}' is held by the daemon"),
            _ => throw DaemonErrors.InvalidArgument($"{named.Count} maps are named '{reference.Name}' (ids {string.Join(", ", named.Select(m => m.Id))}): name one by id"),
        };
    }

    private static string KindOf(object target) => target switch
    {
        EbpfMap => "map",
        EbpfProgram => "program",
        Link => "link",
        _ => target.GetType().Name,
    };

    private static string Name(EbpfMap map) => $"map {map.Id} '{map.Name}' ({map.Type})";

    private static void CheckKey(EbpfMap map, ByteString key)
    {
        if (map is RingBufferMap or PerfEventArrayMap)
            throw DaemonErrors.InvalidArgument($"{Name(map)} holds records, not keyed entries: read it with a dump");
        if (key.Length != map.KeySize)
            throw DaemonErrors.InvalidArgument($"{Name(map)} has {map.KeySize}-byte keys; the key given has {key.Length} bytes");
    }

    private static void Check(EbpfResult result, EbpfMap map, string operation)
    {
        if (result != EbpfResult.Success)
            throw new EbpfException(result, $"{operation} on {Name(map)} failed");
    }

    private static IEnumerable<byte[]> Keys(EbpfMap map)
    {
        if (map.KeySize == 0) yield break;
        byte[]? previous = null;
        while (true)
        {
            var next = new byte[map.KeySize];
            if (map.TryGetNextKey(previous ?? [], next) != EbpfResult.Success) yield break;
            yield return next;
            previous = next;
        }
    }

    private string PinAt(string path, object target)
    {
        if (!PinPath.TryCanonicalize(path, out var canonical, out var error)) throw DaemonErrors.InvalidArgument($"pin path '{path}': {error}");
        return Pins.TryPin(canonical, target) switch
        {
            EbpfResult.Success => canonical,
            EbpfResult.ObjectAlreadyExists => throw DaemonErrors.AlreadyExists($"pin path '{canonical}' is already taken by a {KindOf(Pins.TryGet(canonical)!)}"),
            var result => throw new EbpfException(result, $"cannot pin {target} at '{canonical}'"),
        };
    }

    private static string Combine(string directory, string name) => directory.TrimEnd('/', '\\') + "/" + name;

    private Dictionary<object, List<string>> PinsByTarget()
    {
        var byTarget = new Dictionary<object, List<string>>(ReferenceEqualityComparer.Instance);
        foreach (var (path, target) in Pins.Enumerate())
        {
            if (!byTarget.TryGetValue(target, out var paths)) byTarget[target] = paths = [];
            paths.Add(path);
        }
        return byTarget;
    }

    private ProgramInfo Describe(EbpfProgram program, DaemonObject owner, Dictionary<object, List<string>> pins)
    {
        var info = new ProgramInfo
        {
            Id = program.Id,
            Name = program.Name,
            Section = program.Section,
            ProgramType = program.ProgramTypeName,
            ProgramTypeId = program.ProgramType.ToString(),
            ExpectedAttachType = program.ExpectedAttachType?.ToString() ?? "",
            Engine = program.Engine.ToString(),
            Instructions = (uint)program.Instructions.Length,
            ProgramInformationHash = program.ProgramInformationHashHex,
            ObjectId = owner.Id,
            ObjectName = owner.Loaded.Name,
        };
        var source = owner.Loaded.Source.Programs.FirstOrDefault(p => p.Name == program.Name && p.Kind == BpfProgramKind.Entry);
        if (source is not null)
            info.MapIds.AddRange(source.MapReferences.Select(r => r.MapIndex).Distinct().Order()
                .Where(i => i >= 0 && i < owner.Loaded.MapsByIndex.Count).Select(i => owner.Loaded.MapsByIndex[i].Id));
        info.LinkIds.AddRange(_links.Values.Where(l => l.Program == program).Select(l => l.Id).Order());
        info.Pins.AddRange(pins.GetValueOrDefault(program) ?? []);
        return info;
    }

    private static MapInfo Describe(EbpfMap map, Dictionary<object, List<string>> pins)
    {
        var info = new MapInfo
        {
            Id = map.Id,
            Name = map.Name,
            Type = map.Type.ToString(),
            KeySize = (uint)map.KeySize,
            ValueSize = (uint)map.ValueSize,
            MaxEntries = map.MaxEntries,
            Flags = map.Definition.Flags,
            Entries = map is RingBufferMap or PerfEventArrayMap ? 0 : (uint)Keys(map).Take(MaxDumpEntries).Count(),
            LostRecords = map switch
            {
                RingBufferMap ring => ring.LostRecords,
                PerfEventArrayMap perf => perf.TotalLostRecords,
                _ => 0,
            },
        };
        info.Pins.AddRange(pins.GetValueOrDefault(map) ?? []);
        return info;
    }

    private LinkInfo Describe(Link link) => new()
    {
        Id = link.Id,
        ProgramId = link.Program.Id,
        ProgramName = link.Program.Name,
        AttachType = link.AttachType.ToString(),
        Hook = link.Provider?.Name ?? "",
        State = link.State.ToString(),
        LiveSourceNote = _sources?.WhyNotLive(link.Program, Runtime.Extensions.HookProviders)
            ?? (_sources is null ? "the daemon has no live event sources" : ""),
    };

    /// <summary>Detaches every link, unloads every object, removes every pin and stops the live sources.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var link in _links.Values) Runtime.Extensions.Detach(link);
            _links.Clear();
            foreach (var owner in _objects.Values) owner.Loaded.Dispose();
            _objects.Clear();
            _programs.Clear();
            foreach (var (path, _) in Pins.Enumerate()) Pins.TryUnpin(path);
            _sources?.Dispose();
        }
    }
}
