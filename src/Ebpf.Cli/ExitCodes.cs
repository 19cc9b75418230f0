namespace Ebpf.Cli;

/// <summary>Process exit codes of every <c>ebpf</c> command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;
    /// <summary>The program or an input file is bad (assembly, decode, load or execution error, unreadable file).</summary>
    public const int Failure = 1;
    /// <summary>The command line itself is wrong (unknown command or option, missing argument).</summary>
    public const int Usage = 2;

    public const string HelpText = "Exit codes: 0 success, 1 program or input error, 2 usage error. Errors go to standard error.";
}
