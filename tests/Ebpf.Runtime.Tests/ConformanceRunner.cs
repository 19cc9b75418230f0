using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Programs;

using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests;

/// <summary>
/// Runs bpf_conformance files through the assembler/decoder and the interpreter or the JIT, as the suite's runner does with a
/// plugin: memory in r1 (pointer) and r2 (length), r0 compared in full 64 bits, expected error text matched as a substring.
/// </summary>
public static class ConformanceRunner
{
    public static string TestsDirectory => ConformanceTestFile.TestsDirectory;
    public static string NegativeDirectory => ConformanceTestFile.NegativeDirectory;

    public static IEnumerable<string> Files(string directory) => ConformanceTestFile.Files(directory);

    public static ConformanceOutcome Run(string path, ExecutionMode mode) => Run(path, mode, ExecutionEngine.Interpreter);

    /// <summary>Runs one file on <paramref name="engine"/>: the interpreter, or the program compiled by the JIT.</summary>
    public static ConformanceOutcome Run(string path, ExecutionMode mode, ExecutionEngine engine)
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

        Func<byte[], ulong> run;
        try
        {
            var program = test.Raw is { } raw
                ? ProgramDecoder.Decode(raw)
                : Assembler.Assemble(test.Assembly!);
            if (engine == ExecutionEngine.Jit)
            {
                var compiled = JitCompiler.Compile(program, ConformanceHelpers.CreateTable(), new JitOptions { Mode = mode });
                run = memory => compiled.Run(memory);
            }
            else
            {
                var interpreter = new Interpreter(program, ConformanceHelpers.CreateTable(), new InterpreterOptions { Mode = mode });
                run = memory => interpreter.Run(memory);
            }
        }
        catch (AssemblerException e) { return Failed(test, ConformanceObservation.AssemblerError, e); }
        catch (InstructionDecodeException e) { return Failed(test, ConformanceObservation.DecodeError, e); }
        catch (ProgramLoadException e) { return Failed(test, ConformanceObservation.LoadError, e); }

        ulong result;
        try
        {
            result = run(test.Memory.ToArray());
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
