using Ebpf.Platform;
using Ebpf.Elf;
using Ebpf.Isa;

namespace Ebpf.Kernel;

/// <summary>
/// An object file loaded into the host kernel as libbpf would (maps created, global data written, .rodata frozen,
/// map references patched to fds, program arrays filled), without libbpf: libbpf 1.x refuses the legacy
/// <c>SEC("maps")</c> definitions that most of the sample corpus uses, and this loader must take the same objects
/// as ours. Each entry program is loaded on its own, with the type its section names (see <see cref="KernelProgramTypes"/>):
/// one the kernel refuses (or whose maps it could not create) is listed in <see cref="Refused"/> with the kernel's
/// classified reason and the others load; programs of other sections are listed in <see cref="Skipped"/>.
/// </summary>
public sealed class KernelObject : IDisposable
{
    private const uint ReadOnlyProgramFlag = 1 << 7; // BPF_F_RDONLY_PROG, as libbpf sets for .rodata
    private const uint ProgramArrayType = 3, PerfEventArrayType = 4, ArrayOfMapsType = 12, HashOfMapsType = 13;

    private readonly Dictionary<string, int> _programs = [];
    private readonly Dictionary<string, string> _skipped = [];
    private readonly Dictionary<string, KernelBpfException> _refused = [];
    private readonly List<int> _mapFds = [];
    private readonly List<KernelBpfException?> _mapRefusals = [];
    private readonly Dictionary<string, KernelProgramType> _types = [];

    private KernelObject(BpfObject obj) => Object = obj;

    public BpfObject Object { get; }

    /// <summary>Names of the loaded programs.</summary>
    public IReadOnlyCollection<string> Programs => _programs.Keys;

    /// <summary>Entry programs not loaded, with the reason (a section whose program type this loader does not know).</summary>
    public IReadOnlyDictionary<string, string> Skipped => _skipped;

    /// <summary>Entry programs the kernel refused, each with its refusal (<see cref="KernelBpfException.Kind"/> says whose the fault is).</summary>
    public IReadOnlyDictionary<string, KernelBpfException> Refused => _refused;

    /// <summary>The type each loaded program was loaded as.</summary>
    public KernelProgramType TypeOf(string program) => _types[program];

    /// <summary>Opens <paramref name="path"/> with Linux map numbering and loads all of it into the kernel.</summary>
    public static KernelObject Load(string path) =>
        Load(BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux }));

    public static KernelObject Load(BpfObject obj)
    {
        var loaded = new KernelObject(obj);
        try
        {
            foreach (var map in obj.Maps)
            {
                try
                {
                    loaded._mapFds.Add(loaded.CreateMap(map));
                    loaded._mapRefusals.Add(null);
                }
                catch (KernelBpfException e)
                {
                    loaded._mapFds.Add(-1); // the programs that use it are refused with this; the others still load
                    loaded._mapRefusals.Add(e);
                }
            }
            foreach (var program in obj.Programs.Where(p => p.Kind == BpfProgramKind.Entry))
            {
                if (KernelProgramTypes.ForSection(program.SectionName) is not { } type)
                {
                    loaded._skipped[program.Name] = $"section '{program.SectionName}' names no program type this loader knows";
                    continue;
                }
                try
                {
                    loaded._programs[program.Name] = loaded.LoadProgram(program, type);
                    loaded._types[program.Name] = type;
                }
                catch (KernelBpfException e)
                {
                    loaded._refused[program.Name] = e;
                }
            }
            loaded.FillInitialSlots();
            return loaded;
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>
    /// BPF_PROG_TEST_RUN of <paramref name="program"/> on a copy of <paramref name="packet"/>, <paramref name="repeat"/> times;
    /// a program the kernel refused throws its refusal.
    /// </summary>
    public KernelRunResult Run(string program, ReadOnlySpan<byte> packet, uint repeat = 1) =>
        _programs.TryGetValue(program, out int fd)
            ? KernelProgram.TestRun(fd, packet, repeat, $"{Object.FileName}: {program}")
            : _refused.TryGetValue(program, out var refusal) ? throw refusal
            : throw new ArgumentException($"{Object.FileName}: no program '{program}' (has: {string.Join(", ", _programs.Keys)})", nameof(program));

    private int CreateMap(BpfMap map)
    {
        string what = $"{Object.FileName}: map '{map.Name}'";
        int innerFd = -1;
        try
        {
            if (map.RawType is ArrayOfMapsType or HashOfMapsType)
            {
                var inner = map.InnerMap ?? (map.InnerMapIndex is int index ? Object.Maps[index] : null)
                    ?? throw ObjectFault(what, "a map of maps without an inner map template");
                innerFd = CreateMap(inner);
            }
            Span<byte> attributes = stackalloc byte[BpfSyscall.AttributeSize];
            BpfSyscall.WriteU32(attributes, 0, map.RawType);
            BpfSyscall.WriteU32(attributes, 4, map.Definition.KeySize);
            BpfSyscall.WriteU32(attributes, 8, map.Definition.ValueSize);
            BpfSyscall.WriteU32(attributes, 12, MaxEntries(map));
            BpfSyscall.WriteU32(attributes, 16, map.Definition.Flags | (map.IsReadOnly ? ReadOnlyProgramFlag : 0));
            if (innerFd >= 0) BpfSyscall.WriteU32(attributes, 20, (uint)innerFd);
            KernelNames.Write(attributes.Slice(28, 16), map.Name);
            int fd = BpfSyscall.Invoke(BpfCommand.MapCreate, attributes, what);
            if (!map.InitialData.IsDefaultOrEmpty)
            {
                Update(fd, new byte[4], map.InitialData.AsSpan(), what);
                if (map.IsReadOnly)
                {
                    attributes.Clear();
                    BpfSyscall.WriteU32(attributes, 0, (uint)fd);
                    BpfSyscall.Invoke(BpfCommand.MapFreeze, attributes, what);
                }
            }
            return fd;
        }
        finally
        {
            if (innerFd >= 0) BpfSyscall.Close(innerFd);
        }
    }

    /// <summary>
    /// The map's max_entries, but a perf-event array that leaves it 0 (Cilium's) gets one entry per possible CPU, as
    /// libbpf gives it (map_set_def_max_entries): the kernel refuses 0.
    /// </summary>
    private static uint MaxEntries(BpfMap map) =>
        map.RawType == PerfEventArrayType && map.Definition.MaxEntries == 0 ? PossibleCpus() : map.Definition.MaxEntries;

    /// <summary>Possible CPUs: the highest number in /sys/devices/system/cpu/possible ("0-3", "0,2-5") plus one.</summary>
    private static uint PossibleCpus()
    {
        try
        {
            string list = File.ReadAllText("/sys/devices/system/cpu/possible").Trim();
            string last = list.Split(',')[^1].Split('-')[^1];
            if (uint.TryParse(last, out uint highest)) return highest + 1;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return (uint)Environment.ProcessorCount;
    }

    private static unsafe void Update(int fd, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, string what)
    {
        Span<byte> attributes = stackalloc byte[BpfSyscall.AttributeSize];
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            BpfSyscall.WriteU32(attributes, 0, (uint)fd);
            BpfSyscall.WriteU64(attributes, 8, (ulong)k);
            BpfSyscall.WriteU64(attributes, 16, (ulong)v);
            BpfSyscall.Invoke(BpfCommand.MapUpdateElement, attributes, what);
        }
    }

    private int LoadProgram(BpfProgram program, KernelProgramType type)
    {
        string what = $"{Object.FileName}: {program.SectionName}/{program.Name}";
        var code = program.Instructions.ToArray();
        for (int pc = 0; pc < code.Length; pc++)
        {
            var insn = code[pc];
            if (insn.Opcode != OpCodes.LdDw) continue;
            // Our loader leaves the map's index in a map-fd / map-value lddw; the kernel wants the fd there.
            if (insn.Src is PseudoSource.MapFd or PseudoSource.MapValue)
            {
                if ((uint)insn.Imm >= (uint)_mapFds.Count)
                    throw ObjectFault(what, $"instruction {pc} refers to map {insn.Imm}, which the object does not declare");
                if (_mapRefusals[insn.Imm] is { } mapRefusal)
                    throw new KernelBpfException($"{what}: its map was not created: {mapRefusal.Message}", mapRefusal.Errno, mapRefusal.Kind,
                        mapRefusal.Reason, $"{what} (map '{Object.Maps[insn.Imm].Name}')", mapRefusal.Log);
                code[pc] = insn.WithImm(_mapFds[insn.Imm]);
            }
            pc++;
        }
        return KernelProgram.Load(code, type, program.Name, Object.License ?? "GPL", what);
    }

    /// <summary>A fault of the object itself, found before the kernel was asked.</summary>
    private static KernelBpfException ObjectFault(string what, string fault) =>
        new($"{what}: {fault}", 22, KernelRefusalKind.ProgramRefused, fault, what);

    /// <summary>
    /// The <c>.values</c> of program arrays and maps of maps, as libbpf fills them: a slot takes the named program's fd
    /// (a program the kernel refused leaves it empty) or the named map's.
    /// </summary>
    private void FillInitialSlots()
    {
        for (int i = 0; i < Object.Maps.Length; i++)
        {
            var map = Object.Maps[i];
            if (map.RawType is not (ProgramArrayType or ArrayOfMapsType or HashOfMapsType) || _mapFds[i] < 0) continue;
            foreach (var (slot, name) in map.InitialSlots)
            {
                int fd = map.RawType == ProgramArrayType ? _programs.GetValueOrDefault(name, -1) : MapFd(name);
                if (fd < 0) continue;
                var key = new byte[Math.Max(sizeof(uint), (int)map.Definition.KeySize)];
                BitConverter.TryWriteBytes(key, (uint)slot);
                Update(_mapFds[i], key, BitConverter.GetBytes(fd), $"{Object.FileName}: map '{map.Name}' slot {slot}");
            }
        }
    }

    /// <summary>The fd of the object's map named <paramref name="name"/>, or -1 (none, or not created).</summary>
    private int MapFd(string name)
    {
        for (int i = 0; i < Object.Maps.Length; i++)
            if (Object.Maps[i].Name == name) return _mapFds[i];
        return -1;
    }

    public void Dispose()
    {
        foreach (int fd in _programs.Values) BpfSyscall.Close(fd);
        foreach (int fd in _mapFds.Where(fd => fd >= 0)) BpfSyscall.Close(fd);
        _programs.Clear();
        _mapFds.Clear();
    }
}
