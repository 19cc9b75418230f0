using Ebpf.TestSupport;
using Ebpf.Verifier.Analysis;
using Ebpf.Verifier.Domains;
using Ebpf.Verifier.Ir;
using Xunit.Abstractions;

namespace Ebpf.Verifier.Tests.Prevail;

/// <summary>
/// Runs PREVAIL's YAML verifier tests: a case whose expected messages include anything but "Code becomes unreachable"
/// must be refused, every other case accepted. Also counts how many of PREVAIL's post-state constraints our exit
/// state implies. Thresholds record what the verifier achieves, so that regressions fail.
/// </summary>
public sealed class PrevailYamlTests(ITestOutputHelper output)
{
    private const int MinimumAgreement = 694;
    private const int MinimumImplied = 2656;

    internal sealed record CaseResult(YamlTestCase Case, bool Rejected, int Implied, int Total, string Detail);

    internal static CaseResult Run(YamlTestCase c)
    {
        var options = new VerifierOptions
        {
            AllowDivisionByZero = !c.Options.Contains("!allow_division_by_zero"),
            CheckTermination = c.Options.Contains("termination"),
            BigEndian = c.Options.Contains("big_endian"),
            MustHaveExit = false,
            ReturnValueMustBeNumber = true,
            // PREVAIL reads never-written stack bytes as unknown numbers; its tests check that behaviour.
            AllowUninitializedStackReads = true,
            // The cases describe PREVAIL's abstract interpreter, which is our first pass: their expected refusals
            // include its imprecision. The path pass proves two of them safe on every path ('JSET with imm 0 and
            // pointer': r1 & 0 is never non-zero; 'multiple types add fail': each path adds a number to one kind).
            ExplorePaths = false,
            // PREVAIL does not track references: its cases reserve ring buffer records and never submit them.
            RequireReferencesReleased = false,
        };
        IrProgram program;
        try
        {
            program = AssemblyParser.Parse(c.Code);
        }
        catch (FormatException e)
        {
            return new CaseResult(c, true, 0, c.Post.Count, "parse: " + e.Message);
        }
        var analyzer = new Analyzer(program, new YamlTestPlatform(), options);
        var constraints = new InvariantConstraints(analyzer.Layout, analyzer.LoopCounterVariable);
        var initial = analyzer.CreateEmptyState();
        constraints.Apply(c.Pre, initial);
        var pre = initial.Clone();
        var result = analyzer.Run(initial);
        var exit = result.Outcome?.ExitState;
        var (implied, total) = constraints.CountImplied(c.Post, exit);
        var failures = result.Errors.Select(e => e.Index + ": " + e.Message).ToList();
        foreach (var o in c.Observations)
        {
            // The harness keeps the invariants of two labels: the entry (before instruction 0) and the exit.
            AbstractState? at = (o.At, o.Point) switch
            {
                ("exit", "post") => exit,
                ("0", "pre") => pre,
                _ => null,
            };
            if (at is null && (o.At, o.Point) is not ("exit", "post"))
            {
                failures.Add($"{o.At}: observation at {o.Point} is not supported by the harness");
                continue;
            }
            bool holds = o.Entailed ? constraints.IsEntailed(o.Constraints, analyzer.CreateEmptyState(), at) : constraints.IsConsistent(o.Constraints, at);
            if (!holds) failures.Add(o.Failure);
        }
        return new CaseResult(c, !result.Passed || failures.Count > result.Errors.Count(), implied, total, string.Join(" | ", failures));
    }

    internal static IEnumerable<YamlTestCase> AllCases() =>
        Directory.GetFiles(RepoPaths.SharedPath("prevail-tests", "test-data"), "*.yaml")
            .OrderBy(f => f, StringComparer.Ordinal)
            .SelectMany(YamlTestLoader.Load)
            .Where(c => !c.IsExceptionFixture);

    [Fact]
    public void AgreesWithPrevailOnAcceptAndRefuse()
    {
        var results = AllCases().Select(Run).ToList();
        int agree = 0, implied = 0, total = 0;
        foreach (var group in results.GroupBy(r => r.Case.File))
        {
            int a = group.Count(r => r.Rejected == r.Case.ExpectRejected);
            output.WriteLine($"{group.Key}: {a}/{group.Count()} agree, post-state {group.Sum(r => r.Implied)}/{group.Sum(r => r.Total)} implied");
            agree += a;
            implied += group.Sum(r => r.Implied);
            total += group.Sum(r => r.Total);
        }
        foreach (var r in results.Where(r => r.Rejected != r.Case.ExpectRejected))
        {
            output.WriteLine($"DISAGREE {r.Case.File} '{r.Case.Name}': expected {(r.Case.ExpectRejected ? "refuse" : "accept")} [{string.Join(" | ", r.Case.Messages)}], got [{r.Detail}]");
        }
        output.WriteLine($"TOTAL: {agree}/{results.Count} cases agree; {implied}/{total} post-state constraints implied");
        Assert.True(agree >= MinimumAgreement, $"agreement {agree}/{results.Count} fell below {MinimumAgreement}");
        Assert.True(implied >= MinimumImplied, $"implied post-state constraints {implied}/{total} fell below {MinimumImplied}");
    }
}
