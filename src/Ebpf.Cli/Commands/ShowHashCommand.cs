using System.CommandLine;
using Ebpf.Elf;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Native;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf show hash &lt;object&gt;</c>: each program's program-information hash, computed against the extension
/// that owns its section's program type (what a load stores and a native module must carry).
/// </summary>
public static class ShowHashCommand
{
    public static Command Create()
    {
        var command = new Command("hash", "Program-information hash (SHA-256) of each program, against its own extension.");
        var file = new Argument<FileInfo>("object") { Description = "The ELF object file (clang -target bpf)." };
        command.Arguments.Add(file);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var extensions = CliPlatform.CreateExtensions();
            string path = parse.GetRequiredValue(file).FullName;
            BpfObject obj;
            NativeModule? module = null;
            try
            {
                if (CliObjects.IsModule(path))
                {
                    module = NativeModule.Read(path, loadCode: false);
                    obj = module.Object;
                }
                else
                {
                    // Each program is hashed against the type its section names in the object's ABI (the runtime's rule).
                    var abi = CliObjects.Choose(path, extensions);
                    obj = BpfObject.Open(path, new BpfObjectOpenOptions { Sections = CliPlatform.Sections(extensions, abi), MapTypeNumbering = abi.MapTypes });
                }
            }
            catch (Exception e) when (e is BpfObjectException or EbpfException or IOException or CliInputException)
            {
                error.WriteLine($"error: {e.Message}");
                return 1;
            }

            var providers = CliPlatform.ProgramInformation(extensions);
            var table = new TextTable("section", "function", "type", "provider", "helpers", "hash");
            int failures = 0;
            var btfFunctions = CliPlatform.BtfFunctions(extensions);
            foreach (var unlinked in obj.Programs.Where(p => p.Kind == BpfProgramKind.Entry))
            {
                var program = unlinked.WithBtfFunctions(btfFunctions);
                if (!providers.TryGetValue(program.ProgramType, out var provider))
                {
                    table.Add(program.SectionName, program.Name, "unknown", "-", "-", "no extension owns this section");
                    failures++;
                    continue;
                }
                var called = ExtensionRegistry.CalledHelperIds(program.Instructions);
                string hash;
                try
                {
                    hash = ProgramInformationHash.ToHex(ProgramInformationHash.Compute(provider.Information.WithBtfFunctions(program.BtfFunctions), called));
                    // A module carries the hash it was compiled against: a load would refuse a program whose differs.
                    if (module?.HashOf(program.Name) is { } stored && stored != hash)
                    {
                        hash = $"{hash} (the module carries {stored}: a load is refused)";
                        failures++;
                    }
                }
                catch (ProgramInformationException e)
                {
                    hash = e.Message;
                    failures++;
                }
                table.Add(program.SectionName, program.Name, provider.Information.Descriptor.Name, provider.Name,
                    Called(called, program.BtfFunctions), hash);
            }
            table.WriteTo(output);
            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>The helper ids a program calls, then the BTF-resolved functions by name; "-" for none.</summary>
    private static string Called(IEnumerable<uint> helperIds, IEnumerable<BtfResolvedFunction> functions)
    {
        var names = helperIds.Where(id => !BtfResolvedFunction.IsBtfFunctionId(id)).Select(id => id.ToString())
            .Concat(functions.Select(f => f.Name)).ToArray();
        return names.Length == 0 ? "-" : string.Join(",", names);
    }
}
