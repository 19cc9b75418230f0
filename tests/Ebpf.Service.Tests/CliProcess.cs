using System.Diagnostics;
using System.Text.Json;

namespace Ebpf.Service.Tests;

/// <summary>The built <c>ebpf</c> command run as its own process (optionally as another user through setpriv), so it really exits.</summary>
internal sealed record CliProcess(int ExitCode, string Output, string Error)
{
    public const int Nobody = 65534;

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public JsonElement Json => JsonDocument.Parse(Output).RootElement;

    /// <summary>Runs <c>ebpf args</c>; with <paramref name="uid"/> as that user and group, with <paramref name="groups"/> as its only supplementary groups.</summary>
    public static CliProcess Run(string[] args, int? uid = null, params int[] groups)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "ebpf.dll");
        var start = uid is { } user
            ? new ProcessStartInfo("setpriv", [$"--reuid={user}", $"--regid={user}", groups.Length > 0 ? $"--groups={string.Join(",", groups)}" : "--clear-groups",
                "--", Dotnet, dll, .. args])
            : new ProcessStartInfo(Dotnet, [dll, .. args]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["HOME"] = "/tmp";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the ebpf command");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ebpf {string.Join(" ", args)} did not exit within 90 s");
        }
        return new CliProcess(process.ExitCode, output.Result, error.Result);
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
}
