using System.CommandLine;
using System.Globalization;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Native;
using Ebpf.Runtime.Objects;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf compile &lt;object&gt; -o &lt;module.dll&gt; [--unverified]</c>: verifies every program against its extension
/// and writes a native module (upstream's bpf2c): a .NET assembly with each program's code from the JIT's emitter,
/// its program-information hash, helpers, and the object's maps and initial data. Any program that does not verify
/// refuses the compile unless <c>--unverified</c>, which marks the module (it then loads only as unverified).
/// </summary>
public static class CompileCommand
{
    public static Command Create()
    {
        var command = new Command("compile", "Compile a verified object into a native module (.NET assembly) that loads without verifying again.");
        var file = new Argument<FileInfo>("object") { Description = "The ELF object file (clang -target bpf)." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The module to write (e.g. module.dll).", Required = true };
        var unverified = new Option<bool>("--unverified")
        {
            Description = "Do not verify: the module is marked unverified, runs in checked mode and loads only as unverified.",
        };
        command.Arguments.Add(file);
        command.Options.Add(output);
        command.Options.Add(unverified);
        command.SetAction(parse => CommandErrors.Run(parse, writer =>
        {
            var source = parse.GetRequiredValue(file);
            var target = parse.GetRequiredValue(output);
            bool skipVerification = parse.GetValue(unverified);
            var runtime = new EbpfRuntime(skipVerification ? null : new AbstractInterpretationVerifier());
            foreach (var extension in CliPlatform.CreateExtensions()) runtime.Use(extension);
            byte[] objectBytes = File.ReadAllBytes(source.FullName);
            // Unverified code is compiled checked and with test-run's instruction budget, which the module then keeps.
            using var loaded = runtime.Load(source.FullName, new ObjectLoadOptions
            {
                Unverified = skipVerification,
                InstructionBudget = skipVerification ? TestRunCommand.UnverifiedInstructionBudget : 0,
            });
            var module = NativeModuleWriter.Write(loaded, objectBytes, source.Name, skipVerification);
            File.WriteAllBytes(target.FullName, module);
            foreach (var program in loaded.ProgramList)
                writer.WriteLine($"{program.Name} ({program.Section}, {program.ProgramTypeName}): hash {program.ProgramInformationHashHex}");
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{target.FullName}: {loaded.ProgramList.Count} programs, {loaded.MapsByIndex.Count} maps, {module.Length} bytes{(skipVerification ? " (unverified)" : "")}"));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
