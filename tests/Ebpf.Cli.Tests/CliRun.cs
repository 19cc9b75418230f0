namespace Ebpf.Cli.Tests;

/// <summary>The outcome of one in-process <c>ebpf</c> invocation.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    private static readonly object Gate = new();

    /// <summary>Calls <see cref="Program.Main"/> with Console redirected (and <paramref name="stdin"/> as input).</summary>
    public static CliRun InvokeWithInput(string stdin, params string[] args)
    {
        lock (Gate)
        {
            var (oldIn, oldOut, oldError) = (Console.In, Console.Out, Console.Error);
            var output = new StringWriter();
            var error = new StringWriter();
            try
            {
                Console.SetIn(new StringReader(stdin));
                Console.SetOut(output);
                Console.SetError(error);
                int code = Program.Main(args);
                return new CliRun(code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetIn(oldIn);
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }

    public static CliRun Invoke(params string[] args) => InvokeWithInput("", args);
}
