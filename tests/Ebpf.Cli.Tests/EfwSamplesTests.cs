using System.Text.Json;
using Ebpf.TestSupport;

namespace Ebpf.Cli.Tests;

/// <summary>
/// eBPF for Windows' own sample programs, unchanged: each compiles against include/, and through the command line is
/// listed with its section and function, gets the program and attach type GUIDs upstream gives it, verifies, and has
/// upstream's program-information hash.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class EfwSamplesTests
{
    public static TheoryData<string> Objects() => [.. EfwSamples.Objects];

    [Theory]
    [MemberData(nameof(Objects))]
    public void ProgramHasUpstreamsSectionTypesVerdictAndHash(string name)
    {
        var expected = EfwSamples.Expectations.Where(r => r.Object == name).ToArray();
        string path = EfwSamples.Compile(name);

        var shown = CliRun.Invoke("show", "programs", "--json", path);
        Assert.Equal((0, ""), (shown.ExitCode, shown.Error));
        var programs = Records(shown.Output).Where(r => r.GetProperty("kind").GetString() == "entry")
            .Select(r => (Section: r.GetProperty("section").GetString()!, Function: r.GetProperty("function").GetString()!,
                Type: r.GetProperty("program_type_guid").GetGuid(), Attach: r.GetProperty("attach_type_guid").GetGuid()))
            .ToArray();
        Assert.Equal(expected.Select(r => (r.Section, r.Function, r.ProgramType, r.AttachType)).Order(), programs.Order());

        var verified = CliRun.Invoke("verify", "--json", path);
        var verdicts = Records(verified.Output).ToArray();
        Assert.Equal(expected.Length, verdicts.Length);
        Assert.All(verdicts, v => Assert.True(v.GetProperty("passed").GetBoolean(), v.ToString()));
        Assert.Equal((0, ""), (verified.ExitCode, verified.Error));

        var hashed = CliRun.Invoke("show", "hash", path);
        Assert.Equal((0, ""), (hashed.ExitCode, hashed.Error));
        var rows = hashed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(c => (c[0], c[1]), c => (Helpers: c[4], Hash: c[5]));
        foreach (var row in expected)
        {
            Assert.True(rows.TryGetValue((row.Section, row.Function), out var actual), $"show hash does not list {row.Section}/{row.Function}");
            Assert.Equal(row.HelperIds.Count == 0 ? "-" : string.Join(",", row.HelperIds), actual.Helpers);
            Assert.Equal(row.Hash, actual.Hash);
        }
    }

    private static IEnumerable<JsonElement> Records(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement);

    [Fact]
    public void ShowHashAddsTheBtfResolvedFunctionPart()
    {
        // A bind program calling the sample extension's BTF-resolved function: verify binds it by name, and show hash
        // lists it and hashes bind's information with the BTF-resolved part (module GUID, name, prototype).
        const string source = """
            #include "bpf_helpers.h"
            #include "sample_ext_helpers.h"
            SEC("bind")
            int lookup(bind_md_t* ctx)
            {
                uint64_t value = 0;
                return sample_ebpf_extension_btf_lookup(ctx->process_id, &value, sizeof(value));
            }
            """;
        string path = ClangObjects.Compile("btf_lookup_cli", source, RepoPaths.RepoPath("include"));
        var verified = CliRun.Invoke("verify", path);
        Assert.Equal((0, ""), (verified.ExitCode, verified.Error));
        Assert.Contains("PASS bind/lookup", verified.Output);

        var hashed = CliRun.Invoke("show", "hash", path);
        Assert.Equal((0, ""), (hashed.ExitCode, hashed.Error));
        var columns = hashed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Single().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var bind = new Ebpf.Extensions.Net.NetExtension().BindProvider.Information;
        var function = Ebpf.Extensions.Sample.SampleHelpers.BtfLookup.Function;
        Assert.Equal("sample_ebpf_extension_btf_lookup", columns[4]);
        Assert.Equal(Ebpf.Platform.ProgramInformationHash.ToHex(Ebpf.Platform.ProgramInformationHash.Compute(bind, [], [function])), columns[5]);
        Assert.NotEqual(Ebpf.Platform.ProgramInformationHash.ToHex(Ebpf.Platform.ProgramInformationHash.Compute(bind, [])), columns[5]);
    }
}
