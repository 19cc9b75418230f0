using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Native;

/// <summary>
/// A native module read from its bytes: format and digest checked before anything of it runs, its program table and
/// maps as a <see cref="BpfObject"/> (what <see cref="Objects.EbpfRuntime"/> loads, as for an ELF object) and each
/// program's compiled methods (<see cref="NativeProgramCode"/>). The assembly is loaded once per module read; every
/// load of the module binds its own closures (maps, helpers) to the same methods.
/// </summary>
public sealed class NativeModule
{
    private NativeModule(string fileName, NativeModuleManifest manifest, BpfObject obj,
        IReadOnlyDictionary<string, NativeProgramCode> programs, string digest)
    {
        FileName = fileName;
        Manifest = manifest;
        Object = obj;
        Programs = programs;
        Digest = digest;
    }

    public string FileName { get; }
    internal NativeModuleManifest Manifest { get; }

    /// <summary>The module's programs and maps, as an object the runtime loads.</summary>
    public BpfObject Object { get; }

    /// <summary>Each program's compiled code, by program name.</summary>
    public IReadOnlyDictionary<string, NativeProgramCode> Programs { get; }

    /// <summary>SHA-256 of the module (see <see cref="NativeModuleFormat"/>), hex.</summary>
    public string Digest { get; }

    /// <summary>The program-information hash the module carries for <paramref name="program"/> (hex), or null.</summary>
    public string? HashOf(string program) => Manifest.Programs.FirstOrDefault(p => p.Name == program)?.Hash;

    public bool Unverified => Manifest.Unverified;
    public string AbiName => Manifest.Abi;
    public string SourceName => Manifest.SourceName;
    public string SourceSha256 => Manifest.SourceSha256;
    public string ToolVersion => Manifest.ToolVersion;
    public DateTimeOffset CompiledAt => Manifest.CompiledAt;
    public int FormatVersion => Manifest.FormatVersion;

    /// <summary>Whether <paramref name="bytes"/> start as a PE file (a module) rather than an ELF object.</summary>
    public static bool IsModule(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == (byte)'M' && bytes[1] == (byte)'Z';

    public static NativeModule Read(string path, bool loadCode = true) => Read(File.ReadAllBytes(path), path, loadCode);

    /// <summary>
    /// Reads a module: a file that is not one, a format this loader cannot read, or a digest that does not match
    /// (the module was edited after compile) is <see cref="EbpfResult.InvalidObject"/>, before any of its code is loaded.
    /// Without <paramref name="loadCode"/> only the program table and maps are read (to show them), and
    /// <see cref="Programs"/> is empty.
    /// </summary>
    public static NativeModule Read(byte[] bytes, string fileName, bool loadCode = true)
    {
        var attributes = ReadMetadata(bytes, fileName);
        if (!attributes.TryGetValue(NativeModuleFormat.FormatKey, out string? format))
            throw Invalid(fileName, "not a native module (no module format in its metadata)");
        if (format != NativeModuleFormat.Version.ToString(CultureInfo.InvariantCulture))
            throw Invalid(fileName, $"module format {format} (written by {ToolOf(attributes)}); this loader ({NativeModuleFormat.Tool} " +
                $"{NativeModuleFormat.ToolVersion}) reads format {NativeModuleFormat.Version} only: compile the object again with this tool");
        int at = DigestOffset(bytes, fileName);
        string stored = Encoding.ASCII.GetString(bytes, at, NativeModuleFormat.DigestHexLength);
        string computed = Convert.ToHexStringLower(ComputeDigest(bytes, at));
        if (stored != computed)
            throw Invalid(fileName, $"integrity check failed: the module's digest is {stored}, its contents hash to {computed}; " +
                "it was changed after compile (code, program table, hashes, helpers or metadata) and is refused");
        if (!attributes.TryGetValue(NativeModuleFormat.ManifestKey, out string? json))
            throw Invalid(fileName, "the module has no manifest");
        NativeModuleManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<NativeModuleManifest>(json, NativeModuleFormat.Json)
                ?? throw Invalid(fileName, "the module's manifest is empty");
        }
        catch (JsonException e)
        {
            throw Invalid(fileName, $"the module's manifest cannot be read: {e.Message}");
        }
        var programs = manifest.Programs.Select(p => ProgramOf(p, fileName)).ToImmutableArray();
        var maps = manifest.Maps.ToImmutableArray();
        string name = Path.GetFileNameWithoutExtension(fileName);
        var obj = BpfObject.FromParts(name, fileName, programs, maps, manifest.License, manifest.MapTypeNumbering);

        if (!loadCode) return new NativeModule(fileName, manifest, obj, FrozenDictionary<string, NativeProgramCode>.Empty, computed);
        // Only now, with the digest checked, does the module's code enter the process.
        var context = new AssemblyLoadContext($"ebpf module {name} {computed[..12]}", isCollectible: true);
        Assembly assembly;
        using (var stream = new MemoryStream(bytes, writable: false)) assembly = context.LoadFromStream(stream);
        var code = manifest.Programs.ToFrozenDictionary(p => p.Name, p => new NativeProgramCode(p, assembly, fileName), StringComparer.Ordinal);
        return new NativeModule(fileName, manifest, obj, code, computed);
    }

    /// <summary>SHA-256 of <paramref name="bytes"/> with the digest's hex at <paramref name="digestAt"/> read as '0's.</summary>
    internal static byte[] ComputeDigest(ReadOnlySpan<byte> bytes, int digestAt)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(bytes[..digestAt]);
        Span<byte> zeros = stackalloc byte[NativeModuleFormat.DigestHexLength];
        zeros.Fill((byte)'0');
        hash.AppendData(zeros);
        hash.AppendData(bytes[(digestAt + NativeModuleFormat.DigestHexLength)..]);
        return hash.GetHashAndReset();
    }

    /// <summary>Where the digest's hex starts: right after the one <see cref="NativeModuleFormat.DigestMarker"/>.</summary>
    internal static int DigestOffset(ReadOnlySpan<byte> bytes, string fileName = "module")
    {
        var marker = Encoding.ASCII.GetBytes(NativeModuleFormat.DigestMarker);
        int first = bytes.IndexOf(marker);
        if (first < 0 || first + marker.Length + NativeModuleFormat.DigestHexLength > bytes.Length ||
            bytes[(first + marker.Length)..].IndexOf(marker) >= 0)
            throw Invalid(fileName, "integrity check failed: the module's digest is missing or appears more than once");
        return first + marker.Length;
    }

    /// <summary>The assembly's <see cref="AssemblyMetadataAttribute"/> pairs, read from metadata (nothing is loaded).</summary>
    private static Dictionary<string, string> ReadMetadata(byte[] bytes, string fileName)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var pe = new PEReader(ImmutableArray.Create(bytes));
            if (!pe.HasMetadata) throw Invalid(fileName, "not a native module (a PE file without .NET metadata)");
            var reader = pe.GetMetadataReader();
            foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = reader.GetCustomAttribute(handle);
                if (attribute.Constructor.Kind != HandleKind.MemberReference) continue;
                var constructor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
                if (constructor.Parent.Kind != HandleKind.TypeReference ||
                    reader.GetString(reader.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name) != nameof(AssemblyMetadataAttribute))
                    continue;
                var blob = reader.GetBlobReader(attribute.Value);
                if (blob.ReadUInt16() != 1) continue; // custom attribute prolog
                string? key = blob.ReadSerializedString(), value = blob.ReadSerializedString();
                if (key is not null && value is not null) values[key] = value;
            }
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException)
        {
            throw Invalid(fileName, $"not a readable native module: {e.Message}");
        }
        return values;
    }

    private static string ToolOf(Dictionary<string, string> attributes)
    {
        if (attributes.TryGetValue(NativeModuleFormat.ManifestKey, out var json))
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.TryGetProperty(nameof(NativeModuleManifest.ToolVersion), out var version))
                    return $"tool version {version}";
            }
            catch (JsonException)
            {
            }
        }
        return "an unknown tool version";
    }

    private static BpfProgram ProgramOf(NativeProgramEntry entry, string fileName) => new()
    {
        Name = entry.Name,
        SectionName = entry.Section,
        Kind = BpfProgramKind.Entry,
        SectionOffset = entry.SectionOffset,
        SectionMapping = new SectionMapping(entry.Section, entry.ProgramType, entry.AttachType, entry.BpfAttachType),
        Instructions = [.. Decode(entry.Instructions, entry.Name, fileName)],
        MainInstructionCount = entry.MainInstructionCount,
        Functions = [.. entry.Functions],
        MapReferences = [.. entry.MapReferences],
        BtfFunctions = [.. entry.BtfFunctions],
        SourceLines = [],
    };

    internal static Instruction[] Decode(string base64, string program, string fileName)
    {
        try
        {
            return ProgramDecoder.Decode(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or InstructionDecodeException)
        {
            throw Invalid(fileName, $"program {program}: its instructions cannot be read: {e.Message}");
        }
    }

    internal static EbpfException Invalid(string fileName, string message) =>
        new(EbpfResult.InvalidObject, $"{fileName}: {message}");

    public override string ToString() => $"{FileName}: native module of {SourceName}, {Programs.Count} programs";
}
