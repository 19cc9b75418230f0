namespace Ebpf.Cli.ProgramFiles;

/// <summary>
/// Reads programs from one kind of file. <see cref="ProgramFileReader"/> asks each handler in order whether it
/// recognises a file (from its first bytes and name); the raw-image handler comes last and takes anything else.
/// An ELF object handler plugs in by being added before it.
/// </summary>
public interface IProgramFileHandler
{
    /// <summary>Short name for messages ("raw", "assembly", "elf").</summary>
    string Kind { get; }

    bool Recognises(string path, ReadOnlySpan<byte> header);

    IReadOnlyList<LoadedProgram> Read(string path);
}
