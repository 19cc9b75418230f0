using Ebpf.Isa;

namespace Ebpf.Cli.ProgramFiles;

/// <summary>A raw program image: consecutive 8-byte little-endian instruction slots.</summary>
public sealed class RawProgramFileHandler : IProgramFileHandler
{
    public string Kind => "raw";

    public bool Recognises(string path, ReadOnlySpan<byte> header) => true;

    public IReadOnlyList<LoadedProgram> Read(string path) =>
        [new LoadedProgram(Path.GetFileName(path), ProgramDecoder.Decode(File.ReadAllBytes(path)))];
}
