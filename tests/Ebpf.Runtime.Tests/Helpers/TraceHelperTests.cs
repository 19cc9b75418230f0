using System.Text;
using Ebpf.Platform;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Tracing;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Helpers;

/// <summary>The trace log is process-wide, so these tests must not run alongside each other.</summary>
[Collection(TraceLogCollection.Name)]
public unsafe class TraceHelperTests
{
    private static long Print(string format, params ulong[] arguments) => Print(Encoding.ASCII.GetBytes(format + "\0"), arguments);

    private static long Print(byte[] format, params ulong[] arguments)
    {
        uint id = GlobalHelpers.TracePrintk2 + (uint)arguments.Length;
        fixed (byte* f = format)
        {
            ulong Arg(int i) => i < arguments.Length ? arguments[i] : 0;
            return Signed(Call(id, (ulong)f, (ulong)format.Length, Arg(0), Arg(1), Arg(2)));
        }
    }

    [Fact]
    public void FormatsConversionsAndStripsTheTrailingNewline()
    {
        using var trace = TraceLog.Subscribe();
        long written = Print("x=%d u=%u h=%x i=%i 100%%\n", unchecked((ulong)-5L), 0xFFFF_FFFF_0000_0007, 255);
        Assert.Equal(-1, written); // four conversions, three arguments

        written = Print("x=%d u=%u h=%x 100%%\n", unchecked((ulong)-5L), 0xFFFF_FFFF_0000_0007, 255);
        var record = Assert.Single(trace.Drain());
        Assert.Equal("x=-5 u=7 h=ff 100%", record.Text);
        Assert.Equal(record.Text.Length, written);
    }

    [Fact]
    public void LongLongTakesAllSixtyFourBitsAndLongTakesThirtyTwo()
    {
        using var trace = TraceLog.Subscribe();
        Print("%lld %llu %llx", unchecked((ulong)-1L), 1ul << 40, 0xABCDEF0123ul);
        Print("%ld %lu %lx", 1ul << 40 | 3, 1ul << 40 | 4, 0xABCDEF0123ul);
        var records = trace.Drain();
        Assert.Equal(["-1 1099511627776 abcdef0123", "3 4 cdef0123"], records.Select(r => r.Text));
    }

    [Theory]
    [InlineData("%s")]
    [InlineData("%5d")]
    [InlineData("%lllx")]
    [InlineData("trailing %")]
    [InlineData("%l")]
    [InlineData("%p")]
    public void RejectsFormatsOutsideTheAllowedSet(string format)
    {
        using var trace = TraceLog.Subscribe();
        Assert.Equal(-1, Print(format, 1));
        Assert.Empty(trace.Drain());
    }

    [Fact]
    public void ArgumentCountMustMatch()
    {
        using var trace = TraceLog.Subscribe();
        Assert.Equal(-1, Print("%d %d", 1));
        Assert.Equal(-1, Print("no conversions", 1));
        Assert.Equal(-1, Print("%d", 1, 2, 3));
        Assert.Equal(2, Print("a%%", []));
        Assert.Equal("a%", Assert.Single(trace.Drain()).Text);
    }

    [Fact]
    public void FormatSizeMustBeTwoTo511Bytes()
    {
        using var trace = TraceLog.Subscribe();
        Assert.Equal(-1, Print(new byte[] { 0 }));
        Assert.Equal(-1, Print(Enumerable.Repeat((byte)'a', 511).Append((byte)0).ToArray()));
        Assert.Equal(510, Print(Enumerable.Repeat((byte)'a', 510).Append((byte)0).ToArray()));
        Assert.Equal(1, Print("a"));
        // Without a terminator the final byte is dropped, as the platform does.
        Assert.Equal(2, Print(Encoding.ASCII.GetBytes("abc")));
        Assert.Equal(new[] { 510, 1, 2 }, trace.Drain().Select(r => r.Text.Length));
    }

    [Fact]
    public void TextEndsAtTheFirstNul()
    {
        using var trace = TraceLog.Subscribe();
        Assert.Equal(2, Print(Encoding.ASCII.GetBytes("ab\0%d\0")));
        Assert.Equal("ab", Assert.Single(trace.Drain()).Text);
    }

    [Fact]
    public void ReturnsZeroWhenNobodyListens()
    {
        Assert.False(TraceLog.IsEnabled);
        Assert.Equal(0, Print("hello %d", 1));
        // The size rule still applies.
        Assert.Equal(-1, Print(new byte[] { 0 }));
    }

    [Fact]
    public void ProgramsWriteUnderTheirNameAndEventSourceSeesTheLine()
    {
        using var listener = new EventCapture();
        using var trace = TraceLog.Subscribe();
        var registry = NewRegistry();
        // "hi %d\n\0" built on the stack: 'h' 'i' ' ' '%' 'd' '\n' '\0'.
        var program = Load(registry, "greeter", """
            stw [%r10-8], 0x25206968
            stw [%r10-4], 0x000a64
            mov %r1, %r10
            add %r1, -8
            mov %r2, 7
            mov %r3, 42
            call 13
            exit
            """);
        Assert.Equal(5ul, Invoke(program));
        var record = Assert.Single(trace.Drain());
        Assert.Equal(("greeter", "hi 42"), (record.ProgramName, record.Text));
        Assert.Contains(listener.Lines, line => line == "greeter: hi 42");
    }
}
