using System.CommandLine;
using Ebpf.Service;
using Ebpf.Service.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Ebpf.Cli.Commands.Daemon;

/// <summary>
/// What the daemon's client commands (<c>ebpf prog|map|link|pin ...</c>) share: the <c>--socket</c> and
/// <c>--json</c> options, the call with its errors (no daemon, a refusal) as one line on standard error and exit
/// code 1, and how bpftool names a map (<c>id N</c>, <c>pinned PATH</c>, <c>name NAME</c>).
/// </summary>
internal static class DaemonCommands
{
    public const string SocketVariable = "EBPF_SOCKET";

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static Option<string> SocketOption() => new("--socket")
    {
        Description = $"The daemon's socket (default: ${SocketVariable}, else {DaemonOptions.DefaultSocketPath}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(SocketVariable) is { Length: > 0 } path ? path : DaemonOptions.DefaultSocketPath,
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print the daemon's reply as JSON." };

    /// <summary>A client command: <paramref name="symbols"/> are its arguments and options; the action calls the daemon.</summary>
    public static Command Create(string name, string description, Func<ParseResult, DaemonClient, bool, TextWriter, int> body, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        var socket = SocketOption();
        var json = JsonOption();
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument) command.Arguments.Add(argument);
            else command.Options.Add((Option)symbol);
        }
        command.Options.Add(socket);
        command.Options.Add(json);
        command.SetAction(parse => CommandErrors.Run(parse, output =>
        {
            var error = parse.InvocationConfiguration.Error;
            string group = parse.CommandResult.Parent is System.CommandLine.Parsing.CommandResult parent ? parent.Command.Name + " " : "";
            string what = $"ebpf {group}{name}";
            try
            {
                using var client = new DaemonClient(parse.GetRequiredValue(socket));
                return body(parse, client, parse.GetValue(json), output);
            }
            catch (DaemonUnavailableException e)
            {
                error.WriteLine($"{what}: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (RpcException e)
            {
                error.WriteLine($"{what}: {e.Status.Detail} ({e.StatusCode})");
                return ExitCodes.Failure;
            }
        }));
        return command;
    }

    public static void WriteJson(TextWriter output, IMessage message) => output.WriteLine(Json.Format(message));

    /// <summary>bpftool's map reference: two words, <c>id N</c>, <c>pinned PATH</c> or <c>name NAME</c>.</summary>
    public static Argument<string[]> MapArgument() => new("map")
    {
        Description = "The map: id N, pinned PATH or name NAME.",
        Arity = new ArgumentArity(2, 2),
    };

    public static MapRef ParseMap(string[] words)
    {
        if (words.Length != 2) throw new CliInputException("a map is named by two words: id N, pinned PATH or name NAME");
        return words[0] switch
        {
            "id" => uint.TryParse(words[1], out uint id) && id != 0 ? new MapRef { Id = id }
                : throw new CliInputException($"map id '{words[1]}' is not a positive number"),
            "pinned" => new MapRef { Pinned = words[1] },
            "name" => new MapRef { Name = words[1] },
            _ => throw new CliInputException($"'{words[0]}' does not name a map: use id N, pinned PATH or name NAME"),
        };
    }

    public static string Hex(ByteString bytes) => Convert.ToHexString(bytes.Span).ToLowerInvariant();

    public static string Ids(IEnumerable<uint> ids) => string.Join(",", ids);
}
