using Ebpf.Extensions.Linux;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Tests.Linux;

public class LinuxContextRewriterTests
{
    [Fact]
    public void RewritesXdpFieldLoadsThroughCopiesAndStackSpills()
    {
        var program = Assembler.Assemble("""
            mov %r6, %r1
            stxdw [%r10-16], %r6
            ldxw %r2, [%r1]
            ldxw %r3, [%r6+4]
            ldxdw %r7, [%r10-16]
            ldxw %r4, [%r7+12]
            ldxw %r5, [%r7+16]
            mov %r0, 2
            exit
            """);
        var rewritten = ContextAccessRewriter.Rewrite(program, LinuxXdpContext.FieldMap);
        Assert.Equal((0x79, 0), (rewritten[2].Opcode, (int)rewritten[2].Offset));   // data: 64-bit pointer at 0
        Assert.Equal((0x79, 8), (rewritten[3].Opcode, (int)rewritten[3].Offset));   // data_end
        Assert.Equal((0x61, 24), (rewritten[5].Opcode, (int)rewritten[5].Offset));  // ingress_ifindex stays 32-bit
        Assert.Equal((0x61, 28), (rewritten[6].Opcode, (int)rewritten[6].Offset));  // rx_queue_index
        Assert.Equal(program[4], rewritten[4]);                                     // the stack reload is not a ctx load
    }

    [Fact]
    public void LeavesLoadsAloneWhereTheRegisterIsNotTheContextOnEveryPath()
    {
        var program = Assembler.Assemble("""
            mov %r6, %r1
            jeq %r2, 0, skip
            mov %r6, %r10
            add %r6, -8
            stdw [%r6], 0
            skip:
            ldxw %r0, [%r6]
            exit
            """);
        var rewritten = ContextAccessRewriter.Rewrite(program, LinuxXdpContext.FieldMap);
        Assert.Equal(program, rewritten);
    }

    [Fact]
    public void FollowsTheContextIntoLocalCallsAndDropsItAfterHelperCalls()
    {
        var program = Assembler.Assemble("""
            call local sub
            ldxw %r0, [%r1+4]
            exit
            sub:
            ldxw %r0, [%r1+4]
            exit
            """);
        var rewritten = ContextAccessRewriter.Rewrite(program, LinuxXdpContext.FieldMap);
        Assert.Equal(program[1], rewritten[1]);                                   // r1 is clobbered by the call
        Assert.Equal((0x79, 8), (rewritten[3].Opcode, (int)rewritten[3].Offset)); // r1 is the ctx in the callee
    }

    [Theory]
    [InlineData("ldxdw %r0, [%r1]\nexit", "context load of 8 bytes at offset 0")]
    [InlineData("ldxw %r0, [%r1+24]\nexit", "context load of 4 bytes at offset 24")]
    [InlineData("stw [%r1+12], 0\nmov %r0, 0\nexit", "writes to the context")]
    public void RefusesUnsupportedContextAccessesNamingTheInstruction(string asm, string message)
    {
        var error = Assert.Throws<ProgramLoadException>(() => ContextAccessRewriter.Rewrite(Assembler.Assemble(asm), LinuxXdpContext.FieldMap, "p"));
        Assert.Contains(message, error.Message);
        Assert.Equal(0, error.Index);
    }
}
