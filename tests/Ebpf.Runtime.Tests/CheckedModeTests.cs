using CsCheck;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Tests;

/// <summary>Checked mode faults on exactly the accesses outside the run's regions, naming pc, address and size.</summary>
public class CheckedModeTests
{
    private const int StackBytes = InterpreterOptions.DefaultMaxCallDepth * 512;

    private static readonly Gen<string> Sizes = Gen.Int[0, 3].Select(i => new[] { "b", "h", "w", "dw" }[i]);

    private static int Iterations => Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1" ? 20_000 : 400;

    [Fact]
    public void StackAccessesFaultExactlyOutsideTheStack() =>
        Gen.Select(Gen.Int[-StackBytes - 64, 64], Sizes, Gen.Bool).Sample((offset, size, store) =>
        {
            int bytes = SizeOf(size);
            bool inside = offset >= -StackBytes && offset + bytes <= 0;
            string asm = store ? $"st{size} [%r10{Signed(offset)}], 1\nmov %r0, 0\nexit" : $"ldx{size} %r0, [%r10{Signed(offset)}]\nexit";
            ExpectFault(asm, [], inside, pc: 0, bytes, store);
        }, iter: Iterations);

    [Fact]
    public void ContextAccessesFaultExactlyOutsideTheContext() =>
        Gen.Select(Gen.Int[-32, 64], Sizes, Gen.Bool).Sample((offset, size, store) =>
        {
            int bytes = SizeOf(size);
            var context = new byte[24];
            bool inside = offset >= 0 && offset + bytes <= context.Length;
            string asm = store
                ? $"mov %r0, 0\nstx{size} [%r1{Signed(offset)}], %r0\nexit"
                : $"mov %r0, 0\nldx{size} %r0, [%r1{Signed(offset)}]\nexit";
            ExpectFault(asm, context, inside, pc: 1, bytes, store);
        }, iter: Iterations);

    [Fact]
    public unsafe void PacketAccessesFaultExactlyOutsideThePacket()
    {
        // An XDP-like layout: the context holds data/data_end; the packet is a separate region.
        Gen.Select(Gen.Int[-16, 80], Sizes).Sample((offset, size) =>
        {
            int bytes = SizeOf(size);
            var packet = new byte[60];
            var context = new ulong[2];
            fixed (byte* p = packet)
            fixed (ulong* c = context)
            {
                c[0] = (ulong)p;
                c[1] = (ulong)(p + packet.Length);
                var interpreter = Programs.Load($"ldxdw %r2, [%r1]\nldx{size} %r0, [%r2{Signed(offset)}]\nexit", ExecutionMode.Checked);
                MemoryRegion[] regions =
                [
                    MemoryRegion.Of(c, 16, MemoryAccess.Read, "context"),
                    MemoryRegion.Of(p, (ulong)packet.Length, MemoryAccess.ReadWrite, "packet"),
                ];
                bool inside = offset >= 0 && offset + bytes <= packet.Length;
                ulong r1 = (ulong)c;
                if (inside)
                {
                    RunWith(interpreter, r1, regions);
                    return;
                }
                var fault = Assert.Throws<MemoryAccessFaultException>(() => RunWith(interpreter, r1, regions));
                Assert.Equal((ulong)(p + offset), fault.Address);
                Assert.Equal(((ulong)bytes, 1), (fault.Size, fault.ProgramCounter));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void WildPointersFault() =>
        Gen.Select(Gen.ULong[0, 0xFFFF], Sizes, Gen.Bool).Sample((address, size, store) =>
        {
            string asm = store
                ? $"lddw %r1, 0x{address:x}\nst{size} [%r1], 7\nmov %r0, 0\nexit"
                : $"lddw %r1, 0x{address:x}\nldx{size} %r0, [%r1]\nexit";
            var fault = Assert.Throws<MemoryAccessFaultException>(() => Programs.Load(asm, ExecutionMode.Checked).Run(new byte[8]));
            Assert.Equal((address, 2), (fault.Address, fault.ProgramCounter));
            Assert.Contains($"0x{address:x}", fault.Message);
            Assert.Contains("pc 2", fault.Message);
        }, iter: Iterations);

    [Fact]
    public unsafe void ReadOnlyRegionsRefuseStoresAndAtomics()
    {
        var context = new byte[8];
        fixed (byte* c = context)
        {
            MemoryRegion[] regions = [MemoryRegion.Of(c, 8, MemoryAccess.Read, "context")];
            ulong r1 = (ulong)c;
            Assert.Equal(0UL, RunWith(Programs.Load("ldxdw %r0, [%r1]\nexit", ExecutionMode.Checked), r1, regions));
            var store = Assert.Throws<MemoryAccessFaultException>(() => RunWith(Programs.Load("stw [%r1], 1\nexit", ExecutionMode.Checked), r1, regions));
            Assert.Equal(MemoryAccess.Write, store.Access);
            Assert.Contains("context", store.Message);
            var atomic = Assert.Throws<MemoryAccessFaultException>(() =>
                RunWith(Programs.Load("mov %r2, 1\nlock add [%r1], %r2\nexit", ExecutionMode.Checked), r1, regions));
            Assert.Equal(MemoryAccess.ReadWrite, atomic.Access);
        }
    }

    [Fact]
    public void BudgetStopsARunawayProgram()
    {
        var interpreter = Programs.Load("mov %r0, 0\nloop:\nadd %r0, 1\nja loop", budget: 1000);
        var error = Assert.Throws<InstructionBudgetExceededException>(() => interpreter.Run([]));
        Assert.Equal(1000, error.Budget);
        Assert.InRange(error.ProgramCounter, 1, 2);
        Assert.Contains("budget of 1000", error.Message);
        var checkedRun = Programs.Load("loop:\nja loop", ExecutionMode.Checked, budget: 50);
        Assert.Throws<InstructionBudgetExceededException>(() => checkedRun.Run([]));
        // A budget the program stays within changes nothing.
        Assert.Equal(5UL, Programs.Load("mov %r0, 5\nexit", budget: 2).Run([]));
    }

    private static void ExpectFault(string asm, byte[] memory, bool inside, int pc, int bytes, bool store)
    {
        var interpreter = Programs.Load(asm, ExecutionMode.Checked);
        if (inside)
        {
            interpreter.Run(memory);
            return;
        }
        var fault = Assert.Throws<MemoryAccessFaultException>(() => interpreter.Run(memory));
        Assert.Equal(pc, fault.ProgramCounter);
        Assert.Equal((ulong)bytes, fault.Size);
        Assert.Equal(store ? MemoryAccess.Write : MemoryAccess.Read, fault.Access);
        Assert.Contains($"pc {pc}", fault.Message);
        Assert.Contains($"0x{fault.Address:x}", fault.Message);
    }

    private static ulong RunWith(Interpreter interpreter, ulong r1, MemoryRegion[] regions) =>
        interpreter.Run(new ExecutionRequest { R1 = r1, Regions = regions });

    private static int SizeOf(string size) => size switch { "b" => 1, "h" => 2, "w" => 4, _ => 8 };

    private static string Signed(int offset) => offset >= 0 ? $"+{offset}" : offset.ToString();
}
