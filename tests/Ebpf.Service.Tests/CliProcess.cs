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
        string dll = Path.Combine(uid is null ? AppContext.BaseDirectory : SharedBuild.Value, "ebpf.dll");
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

    /// <summary>
    /// The built command copied where another user can run it: the clone may sit in a folder only its owner can enter
    /// (a 0700 temporary folder, /root), and setpriv drops that access with the user.
    /// </summary>
    private static readonly Lazy<string> SharedBuild = new(() =>
    {
        string copy = Path.Combine("/tmp", "ebpf-cli-" + Guid.NewGuid().ToString("N")[..12]);
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(AppContext.BaseDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        foreach (string directory in Directory.EnumerateDirectories(copy, "*", SearchOption.AllDirectories).Append(copy))
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        foreach (string file in Directory.EnumerateFiles(copy, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(copy, recursive: true);
        return copy;
    });

    /// <summary>A copy of <paramref name="path"/> beside the shared build, readable by every user.</summary>
    public static string Readable(string path)
    {
        string copy = Path.Combine(SharedBuild.Value, "inputs", Path.GetFileName(path));
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.SetUnixFileMode(Path.GetDirectoryName(copy)!, (UnixFileMode)0b111_101_101);
        File.Copy(path, copy, overwrite: true);
        File.SetUnixFileMode(copy, (UnixFileMode)0b110_100_100);
        return copy;
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
}
