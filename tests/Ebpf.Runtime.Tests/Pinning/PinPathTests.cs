using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Pinning;

namespace Ebpf.Runtime.Tests.Pinning;

public class PinPathTests
{
    [Theory]
    [InlineData("BPF:\\a\\b", "BPF:\\a\\b")]
    [InlineData("BPF:/a/b", "BPF:\\a\\b")]
    [InlineData("a/b", "BPF:\\a\\b")]
    [InlineData("/a//b/", "BPF:\\a\\b")]
    [InlineData("\\a\\.\\b", "BPF:\\a\\b")]
    [InlineData("a/x/../b", "BPF:\\a\\b")]
    [InlineData("/ebpf/global/map", "BPF:\\map")]
    [InlineData("\\ebpf\\global\\dir\\map", "BPF:\\dir\\map")]
    [InlineData("/sys/fs/bpf/map", "BPF:\\sys\\fs\\bpf\\map")]
    [InlineData("BPF:\\sys\\fs\\bpf\\x", "BPF:\\sys\\fs\\bpf\\x")]
    [InlineData("Map", "BPF:\\Map")]
    [InlineData(".bss", "BPF:\\.bss")]
    public void CanonicalForms(string input, string expected) => Assert.Equal(expected, PinPath.Canonicalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("/a/../..")]
    [InlineData("BPF:\\..\\x")]
    [InlineData("a:b")]
    [InlineData("C:\\x")]
    [InlineData("BPF:BPF:x")]
    [InlineData("BPF:\\")]
    [InlineData("/ebpf/global/")]
    [InlineData("a\0b")]
    [InlineData("bpf:\\x:y")]
    public void InvalidPathsAreInvalidArguments(string input)
    {
        var error = Assert.Throws<EbpfException>(() => PinPath.Canonicalize(input));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
    }

    [Fact]
    public void LengthLimitIs256CanonicalCharacters()
    {
        string fits = new('x', 256 - PinPath.Root.Length);
        Assert.Equal(256, PinPath.Canonicalize(fits).Length);
        Assert.Throws<EbpfException>(() => PinPath.Canonicalize(fits + "x"));
        // Redundant segments do not count against the limit once resolved.
        Assert.Equal(256, PinPath.Canonicalize("./a/../" + fits).Length);
    }

    [Fact]
    public void PathsAreCaseSensitive() => Assert.NotEqual(PinPath.Canonicalize("Map"), PinPath.Canonicalize("map"));
}
