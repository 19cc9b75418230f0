using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ebpf.Runtime.Native;

/// <summary>
/// The layout of a native module: a .NET assembly whose assembly-level <see cref="AssemblyMetadataAttribute"/>s hold
/// the format version, the manifest (<see cref="NativeModuleManifest"/>, JSON) and the digest, and whose types hold
/// each program's methods. The digest is SHA-256 over the whole file with the digest's own hex read as zeros, so
/// any edit after compile (code, metadata, program table, hashes) changes it.
/// </summary>
public static class NativeModuleFormat
{
    /// <summary>The format this tool writes and reads.</summary>
    public const int Version = 1;

    public const string FormatKey = "ebpf-module-format";
    public const string ManifestKey = "ebpf-module-manifest";
    public const string DigestKey = "ebpf-module-digest";

    /// <summary>Marks the digest's hex in the file (the loader finds it there to read it as zeros).</summary>
    public const string DigestMarker = "EBPF-MODULE-DIGEST=";
    public const int DigestHexLength = 64;

    public const string HashAlgorithm = "SHA256";
    public const string Tool = "ebpf compile";

    public static string ToolVersion { get; } =
        typeof(NativeModuleFormat).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(NativeModuleFormat).Assembly.GetName().Version?.ToString() ?? "unknown";

    internal static JsonSerializerOptions Json { get; } = new()
    {
        Converters = { new JsonStringEnumConverter() },
        IncludeFields = false,
    };
}
