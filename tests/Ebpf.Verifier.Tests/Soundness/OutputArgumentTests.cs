using Ebpf.Platform;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests.Soundness;

/// <summary>
/// bpf_map_pop_elem and bpf_map_peek_elem write their value argument (Linux: ARG_PTR_TO_UNINIT_MAP_VALUE; eBPF for
/// Windows keeps PTR_TO_MAP_VALUE in the hashed prototype): an uninitialized buffer is fine and is initialized after
/// the call; the buffer must still hold the whole value.
/// </summary>
public sealed class OutputArgumentTests
{
    private static string PopInto(int helper, int bufferOffset) => $"""
        r1 = map_by_idx 3
        r2 = r10
        r2 += {bufferOffset}
        call {helper}
        r0 = *(u64 *)(r10 - 8)
        exit
        """;

    [Theory]
    [InlineData("windows", 17)]
    [InlineData("windows", 18)]
    [InlineData("linux", 88)]
    [InlineData("linux", 89)]
    public void PopAndPeekFillAnUninitializedBuffer(string platform, int helper)
    {
        var p = platform == "linux" ? CataloguePlatforms.Linux : CataloguePlatforms.Windows;
        var result = Verifier.Verify(AssemblyParser.Parse(PopInto(helper, -8)), p);
        Assert.True(result.Passed, result.ToString());
        var tooSmall = Verifier.Verify(AssemblyParser.Parse(PopInto(helper, -4)), p);
        Assert.Contains(tooSmall.Errors, e => e.Message.Contains("Upper bound must be at most", StringComparison.Ordinal));
    }

    [Fact]
    public void TheHashedPrototypeStaysUpstreams()
    {
        foreach (uint id in new[] { GlobalHelpers.MapPopElem, GlobalHelpers.MapPeekElem })
        {
            var helper = GlobalHelpers.Find(id)!;
            Assert.Equal(ArgumentType.PtrToMapValue, helper.Arguments[1]);
            Assert.True(helper.WritesMapValue);
        }
        // Push reads its value: an uninitialized buffer stays refused.
        var push = Verifier.Verify(AssemblyParser.Parse("r1 = map_by_idx 3\nr2 = r10\nr2 += -8\nr3 = 0\ncall 16\nr0 = 0\nexit"),
            CataloguePlatforms.Windows);
        Assert.Contains(push.Errors, e => e.Message.Contains("non-numerical value", StringComparison.Ordinal));
    }

    [Fact]
    public void LinuxHelperTableListsEveryKernelHelper()
    {
        // include/uapi/linux/bpf.h numbers helpers 1-211 (the list is frozen there); names as its FN() entries.
        for (int id = 1; id <= 211; id++) Assert.NotNull(LinuxHelpers.Find(id));
        Assert.Null(LinuxHelpers.Find(212));
        Assert.Equal(LinuxHelpers.All.Count, LinuxHelpers.All.Select(h => h.Name).Distinct().Count());
        Assert.Equal("getsockopt", LinuxHelpers.Find(57)!.Name);
        Assert.Equal("get_netns_cookie", LinuxHelpers.Find(122)!.Name);
        Assert.Equal("ringbuf_reserve", LinuxHelpers.Find(131)!.Name);
        Assert.Equal("cgrp_storage_delete", LinuxHelpers.Find(211)!.Name);
    }

    [Theory]
    [InlineData("cgroup/getsockopt", "r6 = r1\n*(u64 *)(r10 - 8) = 0\nr1 = r6\nr2 = 1\nr3 = 2\nr4 = r10\nr4 += -8\nr5 = 8\ncall 57\nr0 = 1\nexit")]
    [InlineData("cgroup/sock", "call 122\nr0 = 1\nexit")]
    [InlineData("xdp", "r1 = map_by_idx 4\nr2 = 8\nr3 = 0\ncall 131\nif r0 == 0 goto <out>\n*(u64 *)(r0 + 0) = 1\nr1 = r0\nr2 = 0\ncall 132\nr0 = 0\nexit\n<out>:\nr0 = 0\nexit")]
    public void ProgramsCallingNewerHelpersVerify(string section, string program)
    {
        var platform = LinuxPlatform.ForSection(section, null, CataloguePlatforms.Maps);
        var result = Verifier.Verify(AssemblyParser.Parse(program), platform);
        Assert.True(result.Passed, result.ToString());
    }
}
