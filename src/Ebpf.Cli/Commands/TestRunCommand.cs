using System.CommandLine;
using System.Globalization;
using Ebpf.Elf;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tracing;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf test-run &lt;object&gt; &lt;program&gt; [--data F] [--ctx F] [--data-out F] [--ctx-out F] [--repeat N]
/// [--engine interpreter|jit|kernel] [--platform windows|linux] [--unverified]</c>: loads the object (maps, every
/// program) with the process, network and sample extensions, runs one program on a context built from the files like
/// <c>bpf_prog_test_run_opts</c>, and prints <c>retval</c> (the low 32 bits of r0, as libbpf reports it), r0 and the
/// average duration. Lines the program traces with bpf_printk go to standard error. With <c>--platform linux</c> the
/// object is an unmodified Linux object (XDP, socket filter or tc programs; Linux helper ids and map types); <c>--engine kernel</c> then runs the
/// same object in the host kernel (BPF_PROG_TEST_RUN) for comparison.
/// </summary>
public static class TestRunCommand
{
    /// <summary>Instructions an unverified run may execute before it is stopped (it may loop forever).</summary>
    public const long UnverifiedInstructionBudget = 100_000_000;

    public static Command Create()
    {
        var command = new Command("test-run", "Run one program of an object on test input (bpf_prog_test_run_opts).");
        var file = new Argument<FileInfo>("object") { Description = "The ELF object file (clang -target bpf)." };
        var program = new Argument<string>("program") { Description = "The program's function name." };
        var data = new Option<FileInfo?>("--data") { Description = "File whose bytes become the packet (data_in)." };
        var ctx = new Option<FileInfo?>("--ctx") { Description = "File whose bytes become the context (ctx_in)." };
        var dataOut = new Option<FileInfo?>("--data-out") { Description = "Write the packet as the program left it here." };
        var ctxOut = new Option<FileInfo?>("--ctx-out") { Description = "Write the context as the program left it here." };
        var repeat = new Option<int>("--repeat") { Description = "Runs on the same context (0 counts as 1).", DefaultValueFactory = _ => 1 };
        var engine = new Option<string>("--engine")
        {
            Description = "jit, interpreter, or kernel (the host kernel; with --platform linux).", DefaultValueFactory = _ => "jit",
        };
        engine.AcceptOnlyFromAmong("jit", "interpreter", "kernel");
        var platform = new Option<string>("--platform")
        {
            Description = "windows: the extensions' program types (default); linux: an unmodified Linux object (xdp, socket filter or tc program).",
            DefaultValueFactory = _ => "windows",
        };
        platform.AcceptOnlyFromAmong("windows", "linux");
        var unverified = new Option<bool>("--unverified")
        {
            Description = "Skip verification; the program then runs in checked mode with an instruction budget.",
        };
        command.Arguments.Add(file);
        command.Arguments.Add(program);
        command.Options.Add(data);
        command.Options.Add(ctx);
        command.Options.Add(dataOut);
        command.Options.Add(ctxOut);
        command.Options.Add(repeat);
        command.Options.Add(engine);
        command.Options.Add(unverified);
        command.Options.Add(platform);
        command.SetAction(parse => Run(new Request(
            parse.GetRequiredValue(file), parse.GetRequiredValue(program), parse.GetValue(data), parse.GetValue(ctx),
            parse.GetValue(dataOut), parse.GetValue(ctxOut), parse.GetValue(repeat),
            parse.GetValue(engine) == "interpreter" ? ExecutionEngine.Interpreter : ExecutionEngine.Jit, parse.GetValue(unverified),
            parse.GetValue(platform) == "linux", parse.GetValue(engine) == "kernel"),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private sealed record Request(FileInfo Object, string Program, FileInfo? Data, FileInfo? Context, FileInfo? DataOut,
        FileInfo? ContextOut, int Repeat, ExecutionEngine Engine, bool Unverified, bool Linux = false, bool Kernel = false);

    private static int Run(Request request, TextWriter output, TextWriter error)
    {
        if (request.Repeat < 0)
        {
            error.WriteLine($"ebpf test-run: --repeat must not be negative, not {request.Repeat}");
            return ExitCodes.Failure;
        }
        if (request.Kernel && !request.Linux)
        {
            error.WriteLine("ebpf test-run: --engine kernel runs Linux objects: add --platform linux");
            return ExitCodes.Failure;
        }
        if (request.Linux) return LinuxTestRun.Run(request.Object, request.Program, request.Data, request.DataOut, request.Context,
            request.Repeat, request.Kernel ? null : request.Engine, request.Unverified, output, error);
        var runtime = new EbpfRuntime(request.Unverified ? null : new AbstractInterpretationVerifier());
        foreach (var extension in CliPlatform.CreateExtensions()) runtime.Use(extension);
        using var trace = TraceLog.Subscribe();
        try
        {
            byte[] dataIn = Read(request.Data), contextIn = Read(request.Context);
            using var loaded = runtime.Load(request.Object.FullName, new ObjectLoadOptions
            {
                Engine = request.Engine,
                Unverified = request.Unverified,
                InstructionBudget = request.Unverified ? UnverifiedInstructionBudget : 0,
            });
            var target = loaded.Program(request.Program);
            var result = runtime.TestRun(target, new TestRunOptions { DataIn = dataIn, ContextIn = contextIn, Repeat = request.Repeat });
            foreach (var record in trace.Drain()) error.WriteLine($"trace: {record.ProgramName}: {record.Text}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"retval: {result.ReturnValue}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"r0: 0x{result.R0:x} ({(long)result.R0})"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"duration: {result.DurationNanoseconds} ns (average of {result.Repeat} run{(result.Repeat == 1 ? "" : "s")}, {Describe(request)})"));
            Write(request.DataOut, result.DataOut, "data-out", output);
            Write(request.ContextOut, result.ContextOut, "ctx-out", output);
            return ExitCodes.Ok;
        }
        catch (EbpfException e) when (e.Result == EbpfResult.VerificationFailed && !request.Unverified)
        {
            error.WriteLine($"ebpf test-run: {e.Message}");
            error.WriteLine("ebpf test-run: `ebpf verify` explains the failure; --unverified runs the program anyway (checked mode).");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is EbpfException or BpfObjectException or ProgramExecutionException or IOException or UnauthorizedAccessException)
        {
            foreach (var record in trace.Drain()) error.WriteLine($"trace: {record.ProgramName}: {record.Text}");
            error.WriteLine(e is ProgramExecutionException
                ? $"ebpf test-run: program {request.Program} stopped: {e.Message}"
                : $"ebpf test-run: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static string Describe(Request request) =>
        (CliObjects.IsModule(request.Object.FullName) ? "native module" : request.Engine == ExecutionEngine.Jit ? "jit" : "interpreter") +
        (request.Unverified ? ", unverified, checked" : "");

    private static byte[] Read(FileInfo? file) => file is null ? [] : File.ReadAllBytes(file.FullName);

    private static void Write(FileInfo? file, byte[] bytes, string what, TextWriter output)
    {
        if (file is null) return;
        File.WriteAllBytes(file.FullName, bytes);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {bytes.Length} bytes written to {file.FullName}"));
    }
}
