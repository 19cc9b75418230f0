using Ebpf.Isa;

namespace Ebpf.Cli.ProgramFiles;

/// <summary>Assembly text in the conformance syntax, recognised by the extension <c>.s</c> or <c>.asm</c>.</summary>
public sealed class AssemblyProgramFileHandler : IProgramFileHandler
{
    public string Kind => "assembly";

    public bool Recognises(string path, ReadOnlySpan<byte> header) =>
        Path.GetExtension(path).ToLowerInvariant() is ".s" or ".asm";

    public IReadOnlyList<LoadedProgram> Read(string path)
    {
        var program = Assembler.Assemble(File.ReadAllText(path));
        ProgramDecoder.Validate(program);
        return [new LoadedProgram(Path.GetFileName(path), program)];
    }
}
