using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Tests;

public class LoadErrorTests
{
    [Fact]
    public void UnknownHelperIsRefusedAtLoadWithItsIndex()
    {
        var error = Assert.Throws<ProgramLoadException>(() => Programs.Load("mov %r1, 1\ncall 77\nexit"));
        Assert.Equal((LoadError.UnknownHelper, 1), (error.Reason, error.Index));
        Assert.Contains("helper 77", error.Message);
    }

    [Fact]
    public void UnresolvedMapReferenceIsALoadError()
    {
        var error = Assert.Throws<ProgramLoadException>(() => Programs.Load("lddw %r1, map_fd 3\nmov %r0, 0\nexit"));
        Assert.Equal((LoadError.UnresolvedWideImmediate, 0), (error.Reason, error.Index));
        Assert.Contains("map fd 3", error.Message);
    }

    [Fact]
    public void ResolverSuppliesPseudoWideValues()
    {
        WideImmediateResolver resolver = (WideImmediate reference, out ulong value) =>
        {
            value = reference is { Source: PseudoSource.MapValue, Imm: 3 } ? 0x1000UL + (ulong)reference.NextImm : 0;
            return reference.Source == PseudoSource.MapValue;
        };
        var interpreter = Programs.Load("lddw %r0, map_value 3, 8\nexit", resolver: resolver);
        Assert.Equal(0x1008UL, interpreter.Run([]));
        var refused = Assert.Throws<ProgramLoadException>(() => Programs.Load("lddw %r0, map_fd 3\nexit", resolver: resolver));
        Assert.Equal(LoadError.UnresolvedWideImmediate, refused.Reason);
    }

    [Fact]
    public void RuntimeCallsAndRunningOffTheEndAreRefused()
    {
        Assert.Equal(LoadError.UnsupportedCall, Assert.Throws<ProgramLoadException>(() => Programs.Load("call runtime 1\nexit")).Reason);
        var end = Assert.Throws<ProgramLoadException>(() => Programs.Load("mov %r0, 0\nexit\nmov %r0, 1"));
        Assert.Equal((LoadError.FallsOffEnd, 2), (end.Reason, end.Index));
    }

    [Fact]
    public void MalformedProgramsAreRefusedByTheDecoder()
    {
        var error = Assert.Throws<InstructionDecodeException>(() => Interpreter.Load([0x07, 0x10, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]));
        Assert.Equal((DecodeError.UnusedFieldNotZero, 0), (error.Reason, error.Index));
    }
}
