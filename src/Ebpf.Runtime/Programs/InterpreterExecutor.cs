using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Programs;

/// <summary>Runs a program in the interpreter.</summary>
public sealed class InterpreterExecutor(Interpreter interpreter) : IProgramExecutor
{
    public Interpreter Interpreter { get; } = interpreter;

    public ulong Run(in ExecutionRequest request) => Interpreter.Run(request);
}
