using System.Text;
using Ebpf.Platform;
using Ebpf.Runtime.Helpers;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Helpers;

public unsafe class StringHelperTests
{
    private static long Strncpy(byte[] destination, byte[] source, ulong? count = null)
    {
        fixed (byte* d = destination)
        fixed (byte* s = source)
            return Signed(Call(GlobalHelpers.StrncpyS, (ulong)d, (ulong)destination.Length, (ulong)s, count ?? (ulong)source.Length));
    }

    private static long Strncat(byte[] destination, byte[] source, ulong? count = null)
    {
        fixed (byte* d = destination)
        fixed (byte* s = source)
            return Signed(Call(GlobalHelpers.StrncatS, (ulong)d, (ulong)destination.Length, (ulong)s, count ?? (ulong)source.Length));
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    [Fact]
    public void StrncpyCopiesUpToTheTerminatorAndZeroFills()
    {
        var destination = Enumerable.Repeat((byte)0xEE, 8).ToArray();
        Assert.Equal(0, Strncpy(destination, Ascii("abc\0zz")));
        Assert.Equal(Ascii("abc\0\0\0\0\0"), destination);
    }

    [Fact]
    public void StrncpyStopsAtCount()
    {
        var destination = Enumerable.Repeat((byte)0xEE, 8).ToArray();
        Assert.Equal(0, Strncpy(destination, Ascii("abcdef"), count: 2));
        Assert.Equal(Ascii("ab\0\0\0\0\0\0"), destination);
    }

    [Fact]
    public void StrncpyTruncatesWithBufferOverflowStatus()
    {
        var destination = new byte[4];
        Assert.Equal(StringHelpers.StatusBufferOverflow, Strncpy(destination, Ascii("abcdef")));
        Assert.Equal(Ascii("abc\0"), destination);
        // Exactly filling the buffer leaves no room for the terminator.
        Assert.Equal(StringHelpers.StatusBufferOverflow, Strncpy(new byte[4], Ascii("abcd")));
        Assert.Equal(0, Strncpy(new byte[5], Ascii("abcd")));
    }

    [Fact]
    public void StrncpyRejectsAnEmptyDestination()
    {
        Assert.Equal(StringHelpers.StatusInvalidParameter, Strncpy([], Ascii("a")));
    }

    [Fact]
    public void StrncatAppendsAndTerminates()
    {
        var destination = new byte[10];
        Ascii("ab\0").CopyTo(destination, 0);
        Assert.Equal(0, Strncat(destination, Ascii("cde\0xyz")));
        Assert.Equal("abcde", Encoding.ASCII.GetString(destination, 0, Array.IndexOf(destination, (byte)0)));
        Assert.Equal(0, Strncat(destination, Ascii("fghij"), count: 2));
        Assert.Equal("abcdefg", Encoding.ASCII.GetString(destination, 0, Array.IndexOf(destination, (byte)0)));
    }

    [Fact]
    public void StrncatReportsErangeWhenTheResultDoesNotFitAndEmptiesTheDestination()
    {
        var destination = new byte[6];
        Ascii("abc\0").CopyTo(destination, 0);
        Assert.Equal(StringHelpers.Erange, Strncat(destination, Ascii("def")));
        Assert.Equal(0, destination[0]);
        // "ab" + "cde" + NUL fits exactly in six bytes.
        Ascii("ab\0").CopyTo(destination, 0);
        Assert.Equal(0, Strncat(destination, Ascii("cde")));
        Assert.Equal(Ascii("abcde\0"), destination);
    }

    [Fact]
    public void StrncatReportsEinvalForUnterminatedOrEmptyDestinations()
    {
        var unterminated = Ascii("abcd");
        Assert.Equal(StringHelpers.Einval, Strncat(unterminated, Ascii("x")));
        Assert.Equal(0, unterminated[0]);
        Assert.Equal(StringHelpers.Einval, Strncat([], Ascii("x")));
    }

    [Fact]
    public void StrnlenCountsToTheTerminatorOrTheSize()
    {
        byte[] text = Ascii("hello\0world");
        fixed (byte* t = text)
        {
            Assert.Equal(5ul, Call(GlobalHelpers.StrnlenS, (ulong)t, (ulong)text.Length));
            Assert.Equal(3ul, Call(GlobalHelpers.StrnlenS, (ulong)t, 3));
            Assert.Equal(0ul, Call(GlobalHelpers.StrnlenS, (ulong)t, 0));
        }
        Assert.Equal(0ul, Call(GlobalHelpers.StrnlenS, 0, 16));
    }
}
