namespace Ebpf.Cli;

/// <summary>An input the user gave (a file, a hex string) is unusable; the message says which and why.</summary>
public sealed class CliInputException(string message) : Exception(message);
