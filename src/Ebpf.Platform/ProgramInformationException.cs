namespace Ebpf.Platform;

/// <summary>Program information does not fit a program: a helper it calls is missing, or a hash differs.</summary>
public sealed class ProgramInformationException(string message) : Exception(message);
