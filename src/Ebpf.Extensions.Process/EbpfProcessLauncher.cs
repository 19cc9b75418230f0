using System.Diagnostics;
using Ebpf.Extensions.Process.Linux;
using SystemProcess = System.Diagnostics.Process;

namespace Ebpf.Extensions.Process;

/// <summary>
/// Starts child processes of this app under the process hook, the one place where user mode can deny a start: the
/// attached programs run on a creation context before the child exists, and a non-zero status stops the start with a
/// <see cref="ProcessStartDeniedException"/>; the child's exit runs them again on an exit context. The creation
/// context has process id 0 (the operating system assigns the id only when the child is created); its exit context
/// carries the real id and exit code. Its creation time is when the launcher decided, its exit time when the launcher
/// saw the exit (the child is reaped by then, so the operating system's own times are gone).
/// </summary>
public sealed class EbpfProcessLauncher(ProcessHook hook)
{
    public ProcessHook Hook { get; } = hook ?? throw new ArgumentNullException(nameof(hook));

    /// <summary>Runs the process programs on the start described by <paramref name="startInfo"/>, then starts it if they allow it.</summary>
    /// <exception cref="ProcessStartDeniedException">A program returned a non-zero status; nothing was started.</exception>
    public SystemProcess Start(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        if (startInfo.UseShellExecute)
            throw new ArgumentException("the launcher starts executables itself (UseShellExecute = false): a shell-executed document has no image to check", nameof(startInfo));
        string image = ImagePath.Resolve(startInfo.FileName, startInfo.WorkingDirectory);
        string commandLine = startInfo.ArgumentList.Count > 0 || startInfo.Arguments.Length == 0
            ? ShellQuoting.Join([startInfo.FileName, .. startInfo.ArgumentList])
            : ShellQuoting.Join([startInfo.FileName]) + " " + startInfo.Arguments;
        ulong self = (ulong)Environment.ProcessId;
        var creation = new ProcessEvent(ProcessOperation.Create, 0)
        {
            ParentProcessId = self,
            CreatingProcessId = self,
            CreatingThreadId = ImagePath.CurrentThreadId(),
            CreationTime = (ulong)DateTime.UtcNow.ToFileTimeUtc(),
            ImagePath = image,
            CommandLine = commandLine,
        };
        var verdict = Hook.Decide(creation);
        if (!verdict.IsAllowed) throw new ProcessStartDeniedException(verdict.Status, verdict.ProgramName!, image, commandLine);

        var process = new SystemProcess { StartInfo = startInfo, EnableRaisingEvents = true };
        process.Exited += (_, _) => Hook.NotifyExit(creation with
        {
            Operation = ProcessOperation.Delete,
            ProcessId = (ulong)process.Id,
            ExitTime = (ulong)DateTime.UtcNow.ToFileTimeUtc(),
            ExitCode = (uint)process.ExitCode,
        });
        process.Start();
        return process;
    }
}
