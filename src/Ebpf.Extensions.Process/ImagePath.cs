using System.Runtime.InteropServices;
using Ebpf.Extensions.Process.Linux;

namespace Ebpf.Extensions.Process;

/// <summary>The executable a start would run, named as the kernel names a running image (absolute, links resolved).</summary>
internal static class ImagePath
{
    /// <summary>
    /// <paramref name="fileName"/> as an exec would find it: a name with a directory part is taken relative to the
    /// working directory, a bare name is searched on PATH. A name that resolves nowhere is returned as given (the
    /// start then fails as it would without the launcher).
    /// </summary>
    public static string Resolve(string fileName, string workingDirectory)
    {
        if (fileName.Length == 0) return fileName;
        string baseDirectory = workingDirectory.Length > 0 ? workingDirectory : Environment.CurrentDirectory;
        if (fileName.Contains(Path.DirectorySeparatorChar) || fileName.Contains(Path.AltDirectorySeparatorChar))
            return Canonical(Path.GetFullPath(fileName, baseDirectory));
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.GetFullPath(Path.Combine(directory, fileName), baseDirectory);
            if (File.Exists(candidate)) return Canonical(candidate);
        }
        return fileName;
    }

    private static string Canonical(string path) => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? Native.RealPath(path) ?? path : path;

    /// <summary>The operating-system id of the calling thread where there is one to ask (Linux), else 0.</summary>
    public static ulong CurrentThreadId() => OperatingSystem.IsLinux() ? (ulong)Native.GetTid() : 0;
}
