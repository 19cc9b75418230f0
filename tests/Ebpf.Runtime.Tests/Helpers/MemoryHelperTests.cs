using System.Buffers.Binary;
using Ebpf.Platform;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Helpers;

public unsafe class MemoryHelperTests
{
    /// <summary>The checksum rule written out independently: seed + Σ to-words + Σ ~from-words, as a 32-bit signed sum.</summary>
    private static long ReferenceCsumDiff(byte[]? from, byte[]? to, int seed)
    {
        long sum = seed;
        for (int i = 0; to is not null && i < to.Length; i += 2) sum += BinaryPrimitives.ReadUInt16LittleEndian(to.AsSpan(i));
        for (int i = 0; from is not null && i < from.Length; i += 2) sum += 0xFFFF - BinaryPrimitives.ReadUInt16LittleEndian(from.AsSpan(i));
        int wrapped = unchecked((int)sum);
        return wrapped < 0 ? -22 : wrapped;
    }

    private static long CsumDiff(byte[]? from, byte[]? to, int seed, int? fromSize = null, int? toSize = null)
    {
        fixed (byte* f = from)
        fixed (byte* t = to)
        {
            return Signed(Call(GlobalHelpers.CsumDiff, (ulong)f, (ulong)(uint)(fromSize ?? from?.Length ?? 0),
                (ulong)t, (ulong)(uint)(toSize ?? to?.Length ?? 0), (ulong)(uint)seed));
        }
    }

    [Fact]
    public void CsumDiffAddsToWordsAndComplementedFromWords()
    {
        byte[] from = [0x01, 0x02, 0x03, 0x04];
        byte[] to = [0x10, 0x20, 0x30, 0x40, 0xff, 0xff, 0x00, 0x01];
        // to words 0x2010 + 0x4030 + 0xffff + 0x0100; from words ~0x0201 + ~0x0403.
        long expected = 0x2010 + 0x4030 + 0xffff + 0x0100 + (0xffff - 0x0201) + (0xffff - 0x0403) + 7;
        Assert.Equal(expected, CsumDiff(from, to, 7));
        Assert.Equal(ReferenceCsumDiff(from, to, 7), CsumDiff(from, to, 7));
    }

    [Fact]
    public void CsumDiffMatchesTheReferenceOnRandomInputs()
    {
        var random = new Random(1234);
        for (int round = 0; round < 200; round++)
        {
            var from = round % 5 == 0 ? null : RandomBytes(random, random.Next(0, 16) * 4);
            var to = round % 7 == 0 ? null : RandomBytes(random, random.Next(0, 16) * 4);
            int seed = random.Next(0, 1 << 20);
            Assert.Equal(ReferenceCsumDiff(from, to, seed), CsumDiff(from, to, seed));
        }
    }

    [Fact]
    public void CsumDiffRejectsSizesNotMultipleOfFourAndNegativeSums()
    {
        byte[] six = [1, 2, 3, 4, 5, 6];
        Assert.Equal(-22, CsumDiff(six, null, 0));
        Assert.Equal(-22, CsumDiff(null, six, 0));
        Assert.Equal(-22, CsumDiff([1, 2, 3, 4], [1, 2, 3, 4], 0, toSize: 2));
        // A negative seed that the words cannot lift above zero overflows into a negative result.
        Assert.Equal(-22, CsumDiff([0, 0, 0, 0], null, -1_000_000));
        // Null buffers contribute nothing: the result is the seed.
        Assert.Equal(99, CsumDiff(null, null, 99));
    }

    [Fact]
    public void MemcpyCopiesAndRefusesALargerSource()
    {
        var destination = new byte[8];
        byte[] source = [1, 2, 3, 4, 5];
        fixed (byte* d = destination)
        fixed (byte* s = source)
        {
            Assert.Equal(0, Signed(Call(GlobalHelpers.Memcpy, (ulong)d, 8, (ulong)s, 5)));
            Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 0, 0, 0 }, destination);
            Assert.Equal(-22, Signed(Call(GlobalHelpers.Memcpy, (ulong)d, 4, (ulong)s, 5)));
            Assert.Equal(-22, Signed(Call(GlobalHelpers.Memmove, (ulong)d, 4, (ulong)s, 5)));
            Assert.Equal(0, Signed(Call(GlobalHelpers.Memcpy, (ulong)d, 0, (ulong)s, 0)));
        }
    }

    [Fact]
    public void MemmoveHandlesOverlapInBothDirections()
    {
        byte[] buffer = [1, 2, 3, 4, 5, 6, 7, 8];
        fixed (byte* b = buffer)
        {
            Assert.Equal(0, Signed(Call(GlobalHelpers.Memmove, (ulong)(b + 2), 6, (ulong)b, 6)));
            Assert.Equal(new byte[] { 1, 2, 1, 2, 3, 4, 5, 6 }, buffer);
            Assert.Equal(0, Signed(Call(GlobalHelpers.Memmove, (ulong)b, 8, (ulong)(b + 2), 6)));
            Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 5, 6 }, buffer);
        }
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 3 }, 0)]
    [InlineData(new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 4 }, -1)]
    [InlineData(new byte[] { 1, 9 }, new byte[] { 1, 2, 3 }, 1)]
    [InlineData(new byte[] { 1, 2 }, new byte[] { 1, 2, 3 }, -1)]
    [InlineData(new byte[] { 1, 2, 3 }, new byte[] { 1, 2 }, 1)]
    [InlineData(new byte[] { 200 }, new byte[] { 100 }, 1)]
    [InlineData(new byte[0], new byte[0], 0)]
    public void MemcmpOrdersByContentThenLength(byte[] first, byte[] second, int expected)
    {
        fixed (byte* a = first)
        fixed (byte* b = second)
            Assert.Equal(expected, Signed(Call(GlobalHelpers.Memcmp, (ulong)a, (ulong)first.Length, (ulong)b, (ulong)second.Length)));
    }

    [Fact]
    public void MemsetFillsWithTheLowByteAndReturnsTheBuffer()
    {
        var buffer = new byte[6];
        fixed (byte* b = buffer)
        {
            Assert.Equal((ulong)b, Call(GlobalHelpers.Memset, (ulong)b, 4, 0x1AB));
            Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB, 0xAB, 0, 0 }, buffer);
        }
    }

    [Fact]
    public void CheckedRunFaultsWhenMemcpyWritesOutsideTheProgramsMemory()
    {
        // memcpy(r1 + 4, 8, r10 - 8, 8): the destination runs 4 bytes past the 8-byte memory region.
        const string program = """
            mov %r6, %r1
            stdw [%r10-8], 0x11
            mov %r1, %r6
            add %r1, 4
            mov %r2, 8
            mov %r3, %r10
            add %r3, -8
            mov %r4, 8
            call 22
            exit
            """;
        var fault = Assert.Throws<MemoryAccessFaultException>(() => Run(program, new byte[8], ExecutionMode.Checked));
        Assert.Equal(8, fault.ProgramCounter);
        // Inside the region the same program copies.
        var memory = new byte[16];
        Assert.Equal(0ul, Run(program, memory, ExecutionMode.Checked));
        Assert.Equal(0x11, memory[4]);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
