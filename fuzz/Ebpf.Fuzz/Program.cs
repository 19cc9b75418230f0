using Ebpf.Fuzz;
using SharpFuzz;

// The SharpFuzz harness: object bytes → open → validate maps → verify → run (see ObjectExercise).
//   replay:     dotnet Ebpf.Fuzz.dll <file>...          (runs each file once, prints how far it went)
//   AFL:        afl-fuzz -i <seeds> -o <findings> -t 20000 -m none dotnet Ebpf.Fuzz.dll
//   libFuzzer:  libfuzzer-dotnet --target_path=Ebpf.Fuzz --target_arg=--libfuzzer <seeds>
// Instrument the assemblies under test first: sharpfuzz Ebpf.Elf.dll (and Ebpf.Verifier.dll, Ebpf.Runtime.dll).
using var exercise = new ObjectExercise();
if (args is ["--libfuzzer"])
{
    Fuzzer.LibFuzzer.Run(span => exercise.Run(span));
}
else if (args.Length > 0)
{
    foreach (var file in args)
        Console.WriteLine($"{file}: {exercise.Run(File.ReadAllBytes(file))}");
}
else
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        exercise.Run(memory.ToArray());
    });
}
