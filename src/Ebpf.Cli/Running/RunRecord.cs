using System.Text.Json.Nodes;

namespace Ebpf.Cli.Running;

/// <summary>
/// One record read from a ring buffer or perf buffer during a live run: where it came from, when it was read, and
/// its fields as <see cref="TypeName"/> decodes them (null when no struct fits: then only <see cref="Data"/>).
/// <see cref="Data"/> is a copy the caller may keep.
/// </summary>
public sealed record RunRecord(string Map, string? Program, DateTime Time, int? Cpu, byte[] Data, string? TypeName, JsonObject? Fields);
