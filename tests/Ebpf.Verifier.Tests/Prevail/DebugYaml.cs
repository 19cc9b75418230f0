using Ebpf.Verifier.Analysis;
using Ebpf.Verifier.Ir;
using Xunit.Abstractions;

namespace Ebpf.Verifier.Tests.Prevail;

public sealed class DebugYaml(ITestOutputHelper output)
{
    [Fact]
    public void Debug()
    {
        var name = Environment.GetEnvironmentVariable("YAML_CASE");
        if (name is null) return;
        foreach (var c in PrevailYamlTests.AllCases().Where(c => c.Name.Contains(name)))
        {
            output.WriteLine($"=== {c.File} {c.Name} opts={string.Join(",", c.Options)}");
            output.WriteLine("pre: " + string.Join(", ", c.Pre));
            foreach (var (l, lines) in c.Code) { output.WriteLine(l); foreach (var x in lines) output.WriteLine("   " + x); }
            output.WriteLine("expected: " + string.Join(" | ", c.Messages));
            output.WriteLine("post: " + string.Join(", ", c.Post));
            var program = AssemblyParser.Parse(c.Code);
            var options = new VerifierOptions { AllowDivisionByZero = !c.Options.Contains("!allow_division_by_zero"), CheckTermination = c.Options.Contains("termination"), MustHaveExit = false, ReturnValueMustBeNumber = false, RecordStates = true };
            var analyzer = new Analyzer(program, new YamlTestPlatform(), options);
            var constraints = new InvariantConstraints(analyzer.Layout, analyzer.LoopCounterVariable);
            var initial = analyzer.CreateEmptyState();
            constraints.Apply(c.Pre, initial);
            var result = analyzer.Run(initial);
            foreach (var kv in result.States.OrderBy(k => k.Key)) output.WriteLine($"  [{kv.Key}] {IrFormatter.Format(program.Slots[kv.Key]!)}   || {kv.Value}");
            foreach (var d in result.Diagnostics) output.WriteLine("  diag " + d);
            var exit = result.Outcome?.ExitState;
            output.WriteLine("exit: " + (exit is null ? "null" : StateFormatter.Format(exit, analyzer.Layout, 0)));
            output.WriteLine($"bound {result.MaxLoopIterations}");
        }
    }
}
