using System.Globalization;

namespace Ebpf.Extensions.Process;

/// <summary>A process program refused a start through <see cref="EbpfProcessLauncher"/>: the child was never created.</summary>
public sealed class ProcessStartDeniedException(uint status, string programName, string imagePath, string commandLine)
    : InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
        $"starting {imagePath} was denied: program {programName} returned status 0x{status:X8} ({status})"))
{
    /// <summary>The status the program returned (non-zero).</summary>
    public uint Status { get; } = status;

    /// <summary>The name of the program that denied the start.</summary>
    public string ProgramName { get; } = programName;

    public string ImagePath { get; } = imagePath;

    public string CommandLine { get; } = commandLine;
}
