using System.Text;
using Ebpf.Platform;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;
using Xunit.Abstractions;
using static Ebpf.Platform.ArgumentType;

namespace Ebpf.Verifier.Tests.Soundness;

/// <summary>
/// Every helper with a number-typed (ANYTHING) argument, on both platforms: a call with valid arguments is accepted,
/// and the same call with the context or a stack pointer in any number-typed argument is refused with
/// <c>Invalid type (rN.type == number)</c> (upstream's message), as a pointer there would leak an address.
/// </summary>
public sealed class HelperArgumentLeakTests(ITestOutputHelper output)
{
    /// <summary>Argument kinds the generator can satisfy with the catalogue's maps and a 64-byte zeroed stack buffer.</summary>
    private static readonly HashSet<ArgumentType> Buildable =
    [
        DontCare, Anything, ConstSize, ConstSizeOrZero, ConstAllocSizeOrZero, PtrToCtx, PtrToCtxOrNull, PtrToMap, ConstPtrToMap,
        PtrToMapOfPrograms, PtrToMapKey, PtrToMapValue, PtrToUninitMapValue, PtrToReadableMem, PtrToReadableMemOrNull,
        PtrToReadonlyMem, PtrToReadonlyMemOrNull, PtrToWritableMem, PtrToWritableMemOrNull, PtrToLong, PtrToInt, PtrToStack,
        PtrToStackOrNull,
    ];

    private static readonly HashSet<ReturnType> Returns =
    [
        ReturnType.Integer, ReturnType.IntegerOrNoReturnIfSucceed, ReturnType.PtrToMapValueOrNull, ReturnType.PtrToAllocMemOrNull,
        ReturnType.PtrToSocketOrNull, ReturnType.PtrToTcpSocketOrNull, ReturnType.PtrToSockCommonOrNull,
    ];

    public static TheoryData<string> Platforms => new() { "linux", "windows" };

    /// <summary>
    /// The catalogue's maps and, for Linux helpers that take only their own map types (check_map_func_compatibility),
    /// one map of each: stack trace, cgroup array, per-CPU hash, device map, sockmap, cgroup storage.
    /// </summary>
    private static readonly MapDescriptor[] LinuxMaps =
    [
        .. CataloguePlatforms.Maps,
        new(7, MapValueKind.Data, 4, 8, 4), new(8, MapValueKind.Data, 4, 4, 4), new(5, MapValueKind.Data, 4, 16, 8),
        new(14, MapValueKind.Data, 4, 4, 4), new(15, MapValueKind.Data, 4, 4, 4), new(19, MapValueKind.Data, 8, 8, 0),
    ];

    private static readonly IVerifierPlatform Linux = new LinuxPlatform(LinuxPlatform.Xdp, LinuxMaps);

    private static IVerifierPlatform PlatformNamed(string name) => name == "linux" ? Linux : CataloguePlatforms.Windows;

    /// <summary>The first map of <see cref="LinuxMaps"/> a Linux helper may take (null: the catalogue's choice by name).</summary>
    private static int? LinuxMapFor(HelperPrototype helper)
    {
        int index = Array.FindIndex(LinuxMaps, m => MapHelperCompatibility.Linux.Check(helper, m.PlatformType) is null);
        return index < 0 ? null : index;
    }

    /// <summary>The helpers of a platform with at least one number-typed argument and only buildable argument kinds.</summary>
    internal static List<HelperPrototype> Candidates(IVerifierPlatform platform)
    {
        var list = new List<HelperPrototype>();
        for (int id = 1; id < 1 << 17; id++)
        {
            if (platform.FindHelper(id) is not { } p) continue;
            if (!p.Arguments.Contains(Anything) || !p.Arguments.All(Buildable.Contains) || !Returns.Contains(p.ReturnType)) continue;
            list.Add(p);
        }
        return list;
    }

    /// <summary>A call to <paramref name="helper"/> with valid arguments, or with r<paramref name="leakRegister"/> = <paramref name="leak"/>.</summary>
    internal static string CallProgram(HelperPrototype helper, int leakRegister = 0, string leak = "", Func<HelperPrototype, int?>? mapFor = null)
    {
        var text = new StringBuilder("r6 = r1\n");
        for (int off = 8; off <= 64; off += 8) text.Append($"*(u64 *)(r10 - {off}) = 0\n");
        bool queue = helper.Name.Contains("push", StringComparison.Ordinal) || helper.Name.Contains("pop", StringComparison.Ordinal) ||
            helper.Name.Contains("peek", StringComparison.Ordinal);
        var args = helper.Arguments;
        for (int i = 0; i < args.Length; i++)
        {
            int r = i + 1;
            if (r == leakRegister)
            {
                text.Append($"r{r} = {leak}\n");
                continue;
            }
            text.Append(args[i] switch
            {
                DontCare => "",
                Anything => $"r{r} = 0\n",
                ConstSize or ConstSizeOrZero or ConstAllocSizeOrZero => $"r{r} = 8\n",
                PtrToCtx or PtrToCtxOrNull => $"r{r} = r6\n",
                PtrToMapOfPrograms => $"r{r} = map_by_idx 1\n",
                PtrToMap or ConstPtrToMap => $"r{r} = map_by_idx {MapFor(helper, queue, mapFor)}\n",
                _ => $"r{r} = r10\nr{r} += -64\n",
            });
        }
        text.Append($"call {helper.Id}\n");
        // A record the call reserves is a reference: the program releases it, as the kernel requires.
        if (helper.ReturnType == ReturnType.PtrToAllocMemOrNull) text.Append("if r0 == 0 goto <out>\nr1 = r0\nr2 = 0\ncall 133\n<out>:\n");
        text.Append("r0 = 0\nexit\n");
        return text.ToString();
    }

    /// <summary>A map of a type the helper takes (<see cref="CataloguePlatforms"/>): queue, ring buffer, perf event array, else the hash map.</summary>
    private static int MapFor(HelperPrototype helper, bool queue, Func<HelperPrototype, int?>? mapFor) =>
        queue ? 3 : mapFor?.Invoke(helper) ?? (helper.Name.Contains("ringbuf", StringComparison.Ordinal) ? 4
            : helper.Name.Contains("perf_event", StringComparison.Ordinal) ? 5 : 0);

    [Theory]
    [MemberData(nameof(Platforms))]
    public void PointersInNumberArgumentsAreRefused(string platformName)
    {
        var platform = PlatformNamed(platformName);
        Func<HelperPrototype, int?>? mapFor = platformName == "linux" ? LinuxMapFor : null;
        var helpers = Candidates(platform);
        int refused = 0;
        var problems = new List<string>();
        foreach (var helper in helpers)
        {
            var valid = Verifier.Verify(AssemblyParser.Parse(CallProgram(helper, mapFor: mapFor)), platform);
            if (!valid.Passed) problems.Add($"{helper.Name} ({helper.Id}) with valid arguments refused: {valid}");
            for (int i = 0; i < helper.Arguments.Length; i++)
            {
                if (helper.Arguments[i] != Anything) continue;
                foreach (var leak in new[] { "r6", "r10" })
                {
                    var result = Verifier.Verify(AssemblyParser.Parse(CallProgram(helper, i + 1, leak, mapFor)), platform);
                    if (result.Errors.Any(e => e.Message.Contains($"Invalid type (r{i + 1}.type == number)", StringComparison.Ordinal))) refused++;
                    else problems.Add($"{helper.Name} ({helper.Id}): {leak} in r{i + 1} not refused as a number argument: {result}");
                }
            }
        }
        output.WriteLine($"{platformName}: {helpers.Count} helpers with number arguments, {refused} leaking calls refused");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(helpers.Count >= (platformName == "linux" ? 60 : 10), $"only {helpers.Count} helpers were exercised");
    }

    [Fact]
    public void EveryPrintkVariantRefusesTheContextAsAnArgument()
    {
        // bpf_printk(fmt, ctx): upstream refuses it with "Invalid type (r3.type == number)".
        foreach (uint id in new[] { GlobalHelpers.TracePrintk3, GlobalHelpers.TracePrintk4, GlobalHelpers.TracePrintk5 })
        {
            var helper = CataloguePlatforms.WindowsInformation.FindHelper(id)!;
            var result = Verifier.Verify(AssemblyParser.Parse(CallProgram(helper, 3, "r6")), CataloguePlatforms.Windows);
            Assert.Contains(result.Errors, e => e.Message == "Invalid type (r3.type == number)");
        }
    }

    [Fact]
    public void PrivilegedProgramTypesMayPassPointersAsNumbers()
    {
        // A kprobe may (PREVAIL's is_privileged; the kernel's allow_ptr_leaks): bpf_probe_read(dst, 8, ptr).
        var kprobe = new LinuxPlatform(LinuxPlatform.ProgramTypes.Single(t => t.Name == "kprobe"), CataloguePlatforms.Maps);
        var helper = kprobe.FindHelper(4)!;
        var result = Verifier.Verify(AssemblyParser.Parse(CallProgram(helper, 3, "r6")), kprobe);
        Assert.True(result.Passed, result.ToString());
    }
}
