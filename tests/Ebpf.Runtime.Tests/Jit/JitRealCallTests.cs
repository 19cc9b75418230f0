using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;

namespace Ebpf.Runtime.Tests.Jit;

/// <summary>When bpf-to-bpf calls become real method calls, and that they keep the interpreter's call model.</summary>
public class JitRealCallTests
{
    /// <summary>The callee reads the caller's r6 and r0 (the call model passes every register): 40 + (40 + 5 + 2).</summary>
    private const string CalleeReadsCallerRegisters = """
        mov %r6, 40
        mov %r0, 5
        call local +2
        add %r0, %r6
        exit
        mov %r7, %r6
        add %r7, %r0
        mov %r0, %r7
        add %r0, 2
        exit
        """;

    /// <summary>r1 after the call is read only on a path the callee's result (always 0) never takes.</summary>
    private const string ReadsR1OnAnInfeasiblePath = """
        mov %r1, 9
        call local +4
        jeq %r0, 7, +1
        mov %r1, 3
        mov %r0, %r1
        exit
        mov %r0, 0
        exit
        """;

    [Fact]
    public void ACalleeReadingTheCallersRegistersIsARealCall()
    {
        var jit = AssertSameAsInterpreter(CalleeReadsCallerRegisters, new JitOptions(), 87);
        Assert.Equal(2, jit.MethodNames.Count);
    }

    [Fact]
    public void AVerifiedProgramGetsRealCallsWhereLivenessAloneWouldNot()
    {
        Assert.Single(AssertSameAsInterpreter(ReadsR1OnAnInfeasiblePath, new JitOptions(), 3).MethodNames);
        Assert.Equal(2, AssertSameAsInterpreter(ReadsR1OnAnInfeasiblePath, new JitOptions { Verified = true }, 3).MethodNames.Count);
    }

    private static JitExecutor AssertSameAsInterpreter(string source, JitOptions options, ulong expected)
    {
        var program = Assembler.Assemble(source);
        Assert.Equal(expected, new Interpreter(program, null, new InterpreterOptions { Mode = ExecutionMode.Unchecked }).Run([]));
        var jit = JitCompiler.Compile(program, options: options);
        Assert.Equal(expected, jit.Run([]));
        return jit;
    }
}
