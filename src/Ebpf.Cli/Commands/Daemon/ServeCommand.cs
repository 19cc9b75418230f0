using System.CommandLine;
using System.Globalization;
using Ebpf.Cli.Running;
using Ebpf.Cli.Telemetry;
using Ebpf.Runtime.Extensions;
using Ebpf.Service;

namespace Ebpf.Cli.Commands.Daemon;

/// <summary>
/// <c>ebpf serve [--socket PATH] [--group G] [--socket-mode MODE] [--otlp URI]</c>: the daemon owning one execution
/// context (every extension of the command line, plus unmodified Linux objects), the live sources of its hooks and
/// the machine's pin namespace, serving the client commands over gRPC on a Unix domain socket until SIGTERM or
/// Ctrl+C. Under systemd it reports readiness (Type=notify; eng/ebpf.service).
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the ebpf daemon: one execution context and pin namespace for the machine, served over gRPC on a Unix domain socket.");
        var socket = DaemonCommands.SocketOption();
        var group = new Option<string?>("--group")
        {
            Description = "A group (name or number) whose members may load, attach and change maps like root; the socket becomes 0660 and owned by it.",
        };
        var mode = new Option<string?>("--socket-mode")
        {
            Description = "The socket's mode in octal (default 0600, or 0660 with --group); e.g. 0666 lets every local user read.",
        };
        var otlp = new Option<string?>("--otlp")
        {
            Description = $"Export the runtime's metrics and events over OTLP to this endpoint (default: ${TelemetryExport.EndpointVariable} if set).",
        };
        command.Options.Add(socket);
        command.Options.Add(group);
        command.Options.Add(mode);
        command.Options.Add(otlp);
        command.SetAction(parse => CommandErrors.Run(parse, _ => Serve(parse.GetRequiredValue(socket), parse.GetValue(group), parse.GetValue(mode),
            parse.GetValue(otlp), parse.InvocationConfiguration.Error)));
        return command;
    }

    /// <summary>The daemon's options as <c>ebpf serve</c> makes them: the command line's extensions and live sources.</summary>
    public static DaemonOptions Options(string socketPath, string? group = null, UnixFileMode? socketMode = null, bool consoleLogging = false) => new()
    {
        SocketPath = socketPath,
        Group = group,
        SocketMode = socketMode,
        ConsoleLogging = consoleLogging,
        Extensions = CliPlatform.CreateExtensions,
        LiveSources = extensions => new LiveSources(extensions),
    };

    public static UnixFileMode ParseMode(string text)
    {
        if (!int.TryParse(text.StartsWith("0o", StringComparison.Ordinal) ? text[2..] : text, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || text.Any(c => c is '8' or '9'))
            throw new CliInputException($"--socket-mode {text}: an octal mode such as 0600, 0660 or 0666");
        int value = Convert.ToInt32(text.StartsWith("0o", StringComparison.Ordinal) ? text[2..] : text, 8);
        if (value is < 0 or > 0x1FF) throw new CliInputException($"--socket-mode {text}: only permission bits (at most 0777)");
        return (UnixFileMode)value;
    }

    private static int Serve(string socketPath, string? group, string? mode, string? otlp, TextWriter error)
    {
        var endpoint = TelemetryExport.ResolveEndpoint(otlp, Environment.GetEnvironmentVariable);
        var socketMode = mode is null ? (UnixFileMode?)null : ParseMode(mode);
        using var telemetry = endpoint is null ? null : TelemetryExport.StartOtlp(endpoint, TimeSpan.FromSeconds(10));
        EbpfDaemon daemon;
        try
        {
            daemon = EbpfDaemon.StartAsync(Options(socketPath, group, socketMode, consoleLogging: true)).GetAwaiter().GetResult();
        }
        catch (ArgumentException e)
        {
            throw new CliInputException(e.Message);
        }
        error.WriteLine($"ebpf serve: listening on {socketPath} (mode {(OperatingSystem.IsWindows() ? "?" : Convert.ToString((int)File.GetUnixFileMode(socketPath), 8).PadLeft(4, '0'))}); " +
            $"loading, attaching and changing maps need {daemon.Rule.Description}; anyone who can connect may read");
        if (endpoint is not null) error.WriteLine($"ebpf serve: exporting metrics and events over OTLP to {endpoint}");
        try
        {
            daemon.WaitForShutdownAsync().GetAwaiter().GetResult();
        }
        finally
        {
            daemon.StopAsync().GetAwaiter().GetResult();
            error.WriteLine("ebpf serve: stopped; every link detached, every object unloaded");
        }
        return ExitCodes.Ok;
    }
}
