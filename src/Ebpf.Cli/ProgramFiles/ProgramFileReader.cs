namespace Ebpf.Cli.ProgramFiles;

/// <summary>Picks the handler for a program file. Handlers are tried in order; add new formats with <see cref="Register"/>.</summary>
public static class ProgramFileReader
{
    private const int HeaderBytes = 64;
    private static readonly List<IProgramFileHandler> Handlers = [new AssemblyProgramFileHandler()];
    private static readonly IProgramFileHandler Fallback = new RawProgramFileHandler();

    /// <summary>Adds a handler tried before the built-in raw fallback (e.g. ELF objects).</summary>
    public static void Register(IProgramFileHandler handler)
    {
        lock (Handlers)
        {
            if (!Handlers.Any(h => h.GetType() == handler.GetType())) Handlers.Insert(0, handler);
        }
    }

    public static IProgramFileHandler HandlerFor(string path)
    {
        if (!File.Exists(path)) throw new CliInputException($"{path}: no such file");
        Span<byte> header = stackalloc byte[HeaderBytes];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
        lock (Handlers)
        {
            foreach (var handler in Handlers)
            {
                if (handler.Recognises(path, header[..read])) return handler;
            }
        }
        return Fallback;
    }

    public static IReadOnlyList<LoadedProgram> Read(string path) => HandlerFor(path).Read(path);

    /// <summary>Exactly one program, for commands that run one.</summary>
    public static LoadedProgram ReadSingle(string path)
    {
        var programs = Read(path);
        return programs.Count == 1
            ? programs[0]
            : throw new CliInputException($"{path}: holds {programs.Count} programs ({string.Join(", ", programs.Select(p => p.Name))}); expected one");
    }
}
