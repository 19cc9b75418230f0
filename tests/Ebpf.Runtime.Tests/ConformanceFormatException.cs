namespace Ebpf.Runtime.Tests;

/// <summary>A conformance .data file that cannot be read as a test.</summary>
public sealed class ConformanceFormatException(string file, string message) : Exception($"{file}: {message}");
