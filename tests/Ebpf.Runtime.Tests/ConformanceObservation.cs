namespace Ebpf.Runtime.Tests;

/// <summary>What running a conformance file produced.</summary>
public enum ConformanceObservation
{
    /// <summary>The program ran and returned a value.</summary>
    Result,
    /// <summary>The .data file itself is unusable (no program, unknown directive).</summary>
    FileError,
    AssemblerError,
    DecodeError,
    LoadError,
    ExecutionError,
}
