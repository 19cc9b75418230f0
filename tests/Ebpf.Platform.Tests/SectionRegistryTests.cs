using Ebpf.Platform;

namespace Ebpf.Platform.Tests;

public class SectionRegistryTests
{
    [Theory]
    [InlineData("process", "22ea7b37-1043-4d0d-b60d-cafa1c7b638e", 11u)]
    [InlineData("cgroup/connect4", "92ec8e39-aeec-11ec-9a30-18602489beee", 3u)]
    [InlineData("cgroup/listen6", "92ec8e39-aeec-11ec-9a30-18602489beee", 17u)]
    [InlineData("sockops", "43fb224d-68f8-46d6-aa3f-c856518cbb32", 7u)]
    [InlineData("sample_ext/test", "f788ef4a-207d-4dc3-85cf-0f2ea107213c", 8u)]
    public void DefaultsResolve(string section, string programType, uint attach)
    {
        var m = SectionRegistry.CreateDefault().Resolve(section);
        Assert.NotNull(m);
        Assert.Equal(new Guid(programType), m.ProgramType);
        Assert.Equal(attach, m.BpfAttachType);
    }

    [Fact]
    public void ExactBeatsPrefixAndLongestPrefixWins()
    {
        var a = Guid.NewGuid(); var b = Guid.NewGuid(); var c = Guid.NewGuid();
        var registry = new SectionRegistry();
        registry.Register(new("x", a, a, 1, IsPrefix: true));
        registry.Register(new("x/y", b, b, 2, IsPrefix: true));
        registry.Register(new("x/y/z", c, c, 3));
        Assert.Equal(b, registry.Resolve("x/y/w")!.ProgramType);
        Assert.Equal(c, registry.Resolve("x/y/z")!.ProgramType);
        Assert.Equal(a, registry.Resolve("xq")!.ProgramType);
        Assert.Null(registry.Resolve("unknown"));
        Assert.True(registry.Unregister("x/y", isPrefix: true));
        Assert.Equal(a, registry.Resolve("x/y/w")!.ProgramType);
    }

    [Theory]
    [InlineData("bind/0", "bind")]
    [InlineData("bind_3", "bind")]
    [InlineData("xdp/decap", "xdp")]
    [InlineData("xdp_test", "xdp_test")]
    [InlineData("cgroup/connect4/extra", "cgroup/connect4")]
    [InlineData("cgroup/connect_authorization4", "cgroup/connect_authorization4")]
    [InlineData("sample_ext/x", "sample_ext")]
    // eBPF for Windows' rule: every registered section is a prefix, and the longest one that starts the name wins.
    public void SectionsResolveByTheLongestRegisteredPrefix(string section, string claimedBy)
    {
        var registry = SectionRegistry.CreateDefault();
        var expected = registry.Mappings.Single(m => m.Section == claimedBy);
        Assert.Same(expected, registry.Resolve(section));
    }
}
