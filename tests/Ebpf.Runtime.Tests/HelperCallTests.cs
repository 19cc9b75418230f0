using System.Runtime.InteropServices;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Tests;

public class HelperCallTests
{
    [Fact]
    public void HelpersReceiveArgumentsContextAndPc()
    {
        ulong seenContext = 0;
        int seenPc = -1;
        var helpers = new HelperTable().Add(1, "sum", (ulong a, ulong b, ulong c, ulong d, ulong e, ref HelperCallContext ctx) =>
        {
            seenContext = ctx.ProgramContext;
            seenPc = ctx.ProgramCounter;
            return a + b * 10 + c * 100 + d * 1000 + e * 10000;
        });
        var interpreter = Programs.Load("mov %r6, %r1\nmov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\ncall 1\nexit", helpers: helpers);
        var memory = new byte[4];
        unsafe
        {
            fixed (byte* p = memory)
            {
                Assert.Equal(54321UL, interpreter.Run(new ExecutionRequest { R1 = (ulong)p }));
                Assert.Equal((ulong)p, seenContext);
            }
        }
        Assert.Equal(6, seenPc);
    }

    [Fact]
    public void CallxDispatchesByRegisterAndNamesUnknownIds()
    {
        var helpers = new HelperTable().Add(9, "nine", (ulong a, ulong b, ulong c, ulong d, ulong e, ref HelperCallContext ctx) => 9);
        Assert.Equal(9UL, Programs.Load("mov %r2, 9\ncall %r2\nexit", helpers: helpers).Run([]));
        var error = Assert.Throws<UnknownHelperException>(() => Programs.Load("mov %r2, 4\ncall %r2\nexit", helpers: helpers).Run([]));
        Assert.Equal((4UL, 1), (error.HelperId, error.ProgramCounter));
        Assert.Contains("helper 4", error.Message);
    }

    [Fact]
    public void UnwindHelperStopsTheProgramOnZero()
    {
        var helpers = ConformanceHelpers.CreateTable();
        Assert.Equal(0UL, Programs.Load("mov %r1, 0\ncall 5\nmov %r0, 2\nexit", helpers: helpers).Run([]));
        Assert.Equal(2UL, Programs.Load("mov %r1, 1\ncall 5\nmov %r0, 2\nexit", helpers: helpers).Run([]));
    }

    [Fact]
    public unsafe void CheckedHelpersRegisterTheMemoryTheyReturn()
    {
        var value = (byte*)NativeMemory.AllocZeroed(16);
        try
        {
            value[3] = 42;
            var helpers = new HelperTable().Add(1, "lookup", (ulong a, ulong b, ulong c, ulong d, ulong e, ref HelperCallContext ctx) =>
            {
                ctx.RegisterRegion((ulong)value, 16, MemoryAccess.ReadWrite, "map value");
                return (ulong)value;
            });
            var ok = Programs.Load("call 1\nldxb %r0, [%r0+3]\nexit", ExecutionMode.Checked, helpers);
            Assert.Equal(42UL, ok.Run([]));
            var beyond = Programs.Load("call 1\nldxb %r0, [%r0+16]\nexit", ExecutionMode.Checked, helpers);
            var fault = Assert.Throws<MemoryAccessFaultException>(() => beyond.Run([]));
            Assert.Equal(((ulong)value + 16, 1), (fault.Address, fault.ProgramCounter));
        }
        finally
        {
            NativeMemory.Free(value);
        }
    }

    [Fact]
    public void CheckedHelpersCanValidatePointerArguments()
    {
        var helpers = new HelperTable().Add(1, "read8", (ulong a, ulong b, ulong c, ulong d, ulong e, ref HelperCallContext ctx) =>
        {
            ctx.ValidateAccess(a, 8, MemoryAccess.Read);
            return 0;
        });
        Assert.Equal(0UL, Programs.Load("mov %r1, %r10\nadd %r1, -8\ncall 1\nexit", ExecutionMode.Checked, helpers).Run([]));
        var fault = Assert.Throws<MemoryAccessFaultException>(() =>
            Programs.Load("mov %r1, %r10\nadd %r1, -4\ncall 1\nexit", ExecutionMode.Checked, helpers).Run([]));
        Assert.Equal(2, fault.ProgramCounter);
    }
}
