using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests;

/// <summary>
/// Maps programs may only read (<c>.rodata</c>, Linux's BPF_F_RDONLY_PROG): reads are fine; stores, atomics, helper
/// writes into their values and helpers that change them are refused, also when the pointer may designate either a
/// writable or a read-only map.
/// </summary>
public class ReadOnlyMapTests
{
    private static readonly MapDescriptor Data = new(2, MapValueKind.Data, 4, 16, 1);
    private static readonly MapDescriptor ReadOnlyData = Data with { ReadOnly = true };

    private static VerificationResult Verify(string program, params MapDescriptor[] maps) =>
        Verifier.Verify(AssemblyParser.Parse(program), new LinuxPlatform(LinuxPlatform.Xdp, maps));

    private static void AssertRefused(VerificationResult result, string message)
    {
        Assert.False(result.Passed, "accepted");
        Assert.Contains(message, result.Errors.First().Message);
    }

    [Fact]
    public void ReadingReadOnlyGlobalDataIsAllowed()
    {
        var result = Verify("""
            r1 = map_val(0) + 8
            r0 = *(u64 *)(r1 + 0)
            exit
            """, ReadOnlyData);
        Assert.True(result.Passed, result.ToString());
    }

    [Theory]
    [InlineData("*(u64 *)(r1 + 0) = 1")]
    [InlineData("*(u32 *)(r1 + 4) = r0")]
    [InlineData("lock *(u64 *)(r1 + 0) += r0")]
    public void StoresIntoReadOnlyGlobalDataAreRefused(string store)
    {
        string program = $"""
            r0 = 0
            r1 = map_val(0) + 0
            {store}
            exit
            """;
        Assert.True(Verify(program, Data).Passed, Verify(program, Data).ToString());
        AssertRefused(Verify(program, ReadOnlyData), "Cannot write to a map value programs may only read");
    }

    [Fact]
    public void APointerThatMayDesignateEitherMapIsReadOnly()
    {
        // Map 0 is writable, map 1 read-only; after the join r1 may point into either.
        const string program = """
            r0 = 0
            r1 = map_val(0) + 0
            r2 = *(u32 *)(r1 + 0)
            if r2 == 0 goto <store>
            r1 = map_val(1) + 0
            <store>:
            *(u64 *)(r1 + 0) = 1
            exit
            """;
        Assert.True(Verify(program, Data, Data).Passed);
        AssertRefused(Verify(program, Data, ReadOnlyData), "Cannot write to a map value programs may only read");
    }

    [Fact]
    public void AHelperMayNotWriteIntoAReadOnlyValue()
    {
        // bpf_probe_read_kernel (113) writes its first argument.
        const string program = """
            r1 = map_val(0) + 0
            r2 = 8
            r3 = 0
            call 113
            r0 = 0
            exit
            """;
        Assert.True(Verify(program, Data).Passed, Verify(program, Data).ToString());
        AssertRefused(Verify(program, ReadOnlyData), "Cannot write to a map value programs may only read");
    }

    [Fact]
    public void ALookupInAReadOnlyMapGivesAReadOnlyValue()
    {
        const string program = """
            *(u32 *)(r10 - 4) = 0
            r1 = map_fd 0
            r2 = r10
            r2 += -4
            call 1
            if r0 == 0 goto <out>
            r1 = *(u64 *)(r0 + 0)
            *(u64 *)(r0 + 8) = r1
            <out>:
            r0 = 0
            exit
            """;
        Assert.True(Verify(program, Data).Passed);
        AssertRefused(Verify(program, ReadOnlyData), "Cannot write to a map value programs may only read");
    }

    [Theory]
    [InlineData(2)] // map_update_elem
    [InlineData(3)] // map_delete_elem
    public void HelpersThatChangeAReadOnlyMapAreRefused(int helper)
    {
        string program = $"""
            *(u32 *)(r10 - 4) = 0
            *(u64 *)(r10 - 16) = 0
            *(u64 *)(r10 - 24) = 0
            r1 = map_fd 0
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -24
            r4 = 0
            call {helper}
            r0 = 0
            exit
            """;
        Assert.True(Verify(program, Data).Passed, Verify(program, Data).ToString());
        AssertRefused(Verify(program, ReadOnlyData), "write into map forbidden");
    }
}
