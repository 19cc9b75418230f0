using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Tests;

/// <summary>
/// Runs bpf_conformance files through the assembler/decoder and the interpreter, as the suite's runner does with a
/// plugin: memory in r1 (pointer) and r2 (length), r0 compared in full 64 bits, expected error text matched as a substring.
/// </summary>
public static class ConformanceRunner
{
    public static string TestsDirectory => TestSupport.RepoPaths.SharedPath("conformance", "tests");
    public static string NegativeDirectory => TestSupport.RepoPaths.SharedPath("conformance", "negative");

    public static IEnumerable<string> Files(string directory) =>
        Directory.EnumerateFiles(directory, "*.data").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static ConformanceOutcome Run(string path, ExecutionMode mode)
    {
        string name = Path.GetFileName(path);
        ConformanceTestFile test;
        try
        {
            test = ConformanceTestFile.Load(path);
        }
        catch (ConformanceFormatException e)
        {
            return new ConformanceOutcome(name, ConformanceObservation.FileError, false, e.Message, e);
        }

        Interpreter interpreter;
        try
        {
            var program = test.Raw is { } raw
                ? ProgramDecoder.Decode(raw)
                : Assembler.Assemble(test.Assembly!);
            interpreter = new Interpreter(program, ConformanceHelpers.CreateTable(), new InterpreterOptions { Mode = mode });
        }
        catch (AssemblerException e) { return Failed(test, ConformanceObservation.AssemblerError, e); }
        catch (InstructionDecodeException e) { return Failed(test, ConformanceObservation.DecodeError, e); }
        catch (ProgramLoadException e) { return Failed(test, ConformanceObservation.LoadError, e); }

        ulong result;
        try
        {
            result = interpreter.Run(test.Memory.ToArray());
        }
        catch (ProgramExecutionException e) { return Failed(test, ConformanceObservation.ExecutionError, e); }

        if (test.ExpectedError is not null)
            return new ConformanceOutcome(name, ConformanceObservation.Result, false, $"expected error \"{test.ExpectedError}\" but r0 = 0x{result:x}");
        return result == test.ExpectedResult
            ? new ConformanceOutcome(name, ConformanceObservation.Result, true, $"r0 = 0x{result:x}")
            : new ConformanceOutcome(name, ConformanceObservation.Result, false, $"r0 = 0x{result:x}, expected 0x{test.ExpectedResult:x}");
    }

    private static ConformanceOutcome Failed(ConformanceTestFile test, ConformanceObservation observed, Exception error)
    {
        bool expected = test.ExpectedError is { } text && error.Message.Contains(text, StringComparison.Ordinal);
        return new ConformanceOutcome(test.Name, observed, expected, error.Message, error);
    }
}
