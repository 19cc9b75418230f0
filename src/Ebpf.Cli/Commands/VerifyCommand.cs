using Ebpf.Extensions.Linux;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Verifier;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf verify &lt;object&gt; [program] [-v] [--json] [--all] [--platform auto|windows|linux]</c>: PASS/FAIL per program. A
/// failure names the instruction index, the instruction, the C source line and the registers involved; <c>-v</c>
/// prints the invariant before every instruction. Sections an extension owns are verified against that
/// extension's program information; other sections against the built-in Linux platform.
/// </summary>
public static class VerifyCommand
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var command = new Command("verify", "Prove the programs of an object safe (abstract interpretation).");
        var file = new Argument<FileInfo>("object") { Description = "The ELF object file (clang -target bpf)." };
        var name = new Argument<string?>("program") { Description = "Only this program (function name).", Arity = ArgumentArity.ZeroOrOne };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print the invariant at every instruction." };
        var json = new Option<bool>("--json") { Description = "One JSON record per program." };
        var all = new Option<bool>("--all")
        {
            Description = "Also verify global functions (from their BTF prototype's arguments) and callbacks (with a generic context) as units of their own.",
        };
        var platform = new Option<string>("--platform")
        {
            Description = "auto: extensions' sections use their program information, others the Linux platform.",
            DefaultValueFactory = _ => "auto",
        };
        platform.AcceptOnlyFromAmong("auto", "windows", "linux");
        command.Arguments.Add(file);
        command.Arguments.Add(name);
        command.Options.Add(verbose);
        command.Options.Add(json);
        command.Options.Add(all);
        command.Options.Add(platform);
        command.SetAction(parse => Run(parse.GetRequiredValue(file), parse.GetValue(name), parse.GetValue(verbose),
            parse.GetValue(json), parse.GetValue(all), parse.GetValue(platform)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(FileInfo file, string? only, bool verbose, bool json, bool all, string platformChoice, TextWriter output, TextWriter error)
    {
        var extensions = CliPlatform.CreateExtensions();
        var providers = CliPlatform.ProgramInformation(extensions);

        BpfObject obj;
        try
        {
            obj = CliObjects.Open(file.FullName, platformChoice, extensions);
            obj.ValidateMaps();
        }
        catch (Exception e) when (e is BpfObjectException or CliInputException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }

        // Entry programs are what a load verifies; a global function is verified as part of each caller (which must
        // pass arguments its BTF prototype accepts). With --all (or when named) global functions are also verified
        // alone, from their prototype's arguments, and callbacks with a generic context.
        var programs = obj.Programs.Where(p => p.Kind != BpfProgramKind.Subprogram &&
            (only is null ? all || p.Kind == BpfProgramKind.Entry : p.Name == only)).ToArray();
        if (programs.Length == 0)
        {
            error.WriteLine(only is null ? $"error: {file.Name} holds no programs." : $"error: {file.Name} has no program named '{only}'.");
            return 1;
        }

        int failed = 0;
        var btfFunctions = CliPlatform.BtfFunctions(extensions);
        foreach (var unlinked in programs)
        {
            // Calls to external functions an extension exports are BTF-resolved, as at load.
            var program = unlinked.WithBtfFunctions(btfFunctions);
            // A global function is verified as the kernel does: once, in the program type of an entry program that
            // calls it, starting from the arguments its BTF prototype declares.
            var caller = program.Kind == BpfProgramKind.GlobalFunction
                ? obj.Programs.FirstOrDefault(p => p.Kind == BpfProgramKind.Entry &&
                    p.Functions.Any(f => f.Kind == BpfProgramKind.GlobalFunction && f.Name == program.Name && f.SectionName == program.SectionName))
                : null;
            var typed = caller ?? program;
            IVerifierPlatform platform;
            if (providers.TryGetValue(typed.ProgramType, out var provider) && platformChoice != "linux")
                platform = new ProgramInformationPlatform(provider.Information.WithBtfFunctions(program.BtfFunctions), obj.Maps.Select(m => MapDescriptor.FromDefinition(obj.DefinitionInAbi(m))).ToArray());
            else if (platformChoice == "windows")
            {
                error.WriteLine($"error: no extension owns section '{program.SectionName}' ({program.Name}).");
                failed++;
                continue;
            }
            else
                platform = LinuxPlatform.ForSection(typed.SectionName, file.FullName, obj.Maps.Select(LinuxMapDescriptors.From).ToArray());

            string? contextTypeName = typed.ContextTypeName;
            var options = VerifierOptions.Default with
            {
                EntryArguments = program.GlobalFunctionSignature?.ToArguments(contextTypeName) ?? default,
                GlobalFunctions = program.CalledGlobalFunctions(contextTypeName),
                RecordStates = verbose,
                SourceLineResolver = i => program.SourceLineAt(i) is { } line ? $"{line.FileName}:{line.Line}: {line.Text.Trim()}" : null,
                Disassembler = i => Disassembler.Format(program.Instructions.AsSpan(), i),
            };
            var clock = Stopwatch.StartNew();
            var result = Verifier.Verifier.Verify(program.Instructions.AsSpan(), platform, options);
            clock.Stop();
            if (!result.Passed) failed++;
            var first = result.Errors.FirstOrDefault();

            if (json)
            {
                WriteJson(output, program, platform, result, first, clock.Elapsed.TotalMilliseconds);
                continue;
            }
            output.WriteLine($"{(result.Passed ? "PASS" : "FAIL")} {program.SectionName}/{program.Name} ({platform.ProgramTypeName}, {program.Instructions.Length} instructions, {clock.Elapsed.TotalMilliseconds:F1} ms)");
            foreach (var d in result.Diagnostics)
                output.WriteLine("  " + d.ToString().Replace("\n", "\n  "));
            if (verbose)
            {
                output.WriteLine("  " + DescribePass(result));
                for (int i = 0; i < program.Instructions.Length; i++)
                {
                    if (result.States.TryGetValue(i, out var state)) output.WriteLine($"  {{{state}}}");
                    if (program.SourceLines.FirstOrDefault(l => l.InstructionIndex == i) is { } line)
                        output.WriteLine($"  ; {line.FileName}:{line.Line}: {line.Text.Trim()}");
                    output.WriteLine($"  {i,5}: {Disassembler.Format(program.Instructions.AsSpan(), i)}");
                    if (program.Instructions[i].IsWideLoad) i++;
                }
            }
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Which pass proved the program, or why the path pass could not after the fixpoint failed.</summary>
    private static string DescribePass(VerificationResult result) => result.Pass switch
    {
        VerifierPass.Fixpoint => "proved by the fixpoint (first pass)",
        VerifierPass.PathExploration => $"proved by path exploration (second pass, {result.ExploredInstructions} instructions explored)",
        _ when result.PathExplorationFailure is { } why => $"path exploration (second pass) failed too: {why} ({result.ExploredInstructions} instructions explored)",
        _ => "refused by the fixpoint (no path exploration)",
    };

    private static void WriteJson(TextWriter output, BpfProgram program, IVerifierPlatform platform, VerificationResult result,
        Diagnostic? first, double milliseconds)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, JsonOptions))
        {
            w.WriteStartObject();
            w.WriteString("section", program.SectionName);
            w.WriteString("function", program.Name);
            w.WriteString("program_type", platform.ProgramTypeName);
            w.WriteBoolean("passed", result.Passed);
            if (result.Pass is { } pass) w.WriteString("pass", pass == VerifierPass.Fixpoint ? "fixpoint" : "path_exploration");
            else w.WriteNull("pass");
            w.WriteNumber("explored_instructions", result.ExploredInstructions);
            if (result.PathExplorationFailure is { } why) w.WriteString("path_exploration_failure", why);
            if (first is null)
            {
                w.WriteNull("error");
                w.WriteNull("instruction_index");
            }
            else
            {
                w.WriteString("error", first.Message);
                w.WriteNumber("instruction_index", first.Index);
                w.WriteString("instruction", first.Instruction);
                w.WriteString("source_line", first.SourceLine);
                w.WriteString("registers", first.RegisterState);
            }
            w.WriteNumber("instructions", program.Instructions.Length);
            w.WriteNumber("milliseconds", Math.Round(milliseconds, 3));
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
