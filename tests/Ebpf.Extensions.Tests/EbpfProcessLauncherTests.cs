using System.Diagnostics;
using Ebpf.Extensions.Process;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Extensions.Tests;

/// <summary>The in-process launcher: the process programs decide before the child exists, and see its exit.</summary>
public class EbpfProcessLauncherTests
{
    /// <summary>Denies every start whose image path ends in "/false" (UTF-16, as the helper gives it); counts exits with their code.</summary>
    private const string DenyFalse = """
        #include "bpf_helpers.h"
        #include "ebpf_ntos_hooks.h"
        #define PATH_CHARS 256
        struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __type(key, uint32_t); __type(value, uint16_t[PATH_CHARS]); __uint(max_entries, 1); } path_scratch SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, uint64_t); __type(value, uint32_t); __uint(max_entries, 64); } exit_codes SEC(".maps");

        SEC("process")
        int deny_false(process_md_t* ctx)
        {
            if (ctx->operation == PROCESS_OPERATION_DELETE) {
                uint64_t pid = ctx->process_id;
                uint32_t code = ctx->process_exit_code;
                bpf_map_update_elem(&exit_codes, &pid, &code, 0);
                return 0;
            }
            uint32_t zero = 0;
            uint16_t* path = bpf_map_lookup_elem(&path_scratch, &zero);
            if (!path)
                return 0;
            int bytes = bpf_process_get_image_path(ctx, (uint8_t*)path, PATH_CHARS * 2);
            if (bytes < 12 || bytes > PATH_CHARS * 2)
                return 0;
            uint32_t start = ((uint32_t)bytes >> 1) - 6;
            if (start > PATH_CHARS - 6)
                return 0;
            const char suffix[] = "/false";
        #pragma unroll
            for (int i = 0; i < 6; i++) {
                if (path[start + i] != suffix[i])
                    return 0;
            }
            return 0xC0000022; // STATUS_ACCESS_DENIED
        }
        char _license[] SEC("license") = "MIT";
        """;

    [Fact]
    public void AProgramDeniesFalseBeforeItRunsAndSeesTrueExit()
    {
        if (!OperatingSystem.IsLinux()) return; // the children below are Linux executables
        var extension = new ProcessExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(extension);
        using var loaded = runtime.Load(ClangObjects.Compile("deny_false", DenyFalse, RepoPaths.RepoPath("include")));
        runtime.Extensions.Attach(loaded.Program("deny_false"));
        var launcher = new EbpfProcessLauncher(extension.Hook);

        var denied = Assert.Throws<ProcessStartDeniedException>(() => launcher.Start(new ProcessStartInfo("/bin/false")));
        Assert.Equal(0xC0000022u, denied.Status);
        Assert.Equal("deny_false", denied.ProgramName);
        Assert.Equal(LinuxHost.Canonical("/bin/false"), denied.ImagePath);
        Assert.Contains("deny_false", denied.Message);
        Assert.Contains("0xC0000022", denied.Message);

        // A denied child never runs: a shell copied to .../false would have created the marker file.
        var directory = Directory.CreateTempSubdirectory("ebpf-launcher");
        try
        {
            string shellNamedFalse = Path.Combine(directory.FullName, "false"), marker = Path.Combine(directory.FullName, "ran");
            File.Copy(LinuxHost.Canonical("/bin/sh"), shellNamedFalse);
            File.SetUnixFileMode(shellNamedFalse, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var refused = Assert.Throws<ProcessStartDeniedException>(() => launcher.Start(new ProcessStartInfo(shellNamedFalse, ["-c", $"touch {marker}"])));
            Assert.Equal($"{shellNamedFalse} -c 'touch {marker}'", refused.CommandLine);
            // The same start without the program does run, so the marker is a real witness.
            Thread.Sleep(100);
            Assert.False(File.Exists(marker));
            using (var unchecked_ = System.Diagnostics.Process.Start(new ProcessStartInfo(shellNamedFalse, ["-c", $"touch {marker}"]))!) unchecked_.WaitForExit();
            Assert.True(File.Exists(marker));
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        // /bin/true starts; its exit runs the program with the real pid and exit code.
        using var child = launcher.Start(new ProcessStartInfo("/bin/true"));
        child.WaitForExit();
        var exitCodes = loaded.Map("exit_codes");
        var code = new byte[4];
        var deadline = Stopwatch.StartNew();
        while (exitCodes.TryLookup(BitConverter.GetBytes((ulong)child.Id), code) != Runtime.Maps.EbpfResult.Success && deadline.Elapsed < TimeSpan.FromSeconds(5))
            Thread.Sleep(5);
        Assert.Equal(Runtime.Maps.EbpfResult.Success, exitCodes.TryLookup(BitConverter.GetBytes((ulong)child.Id), code));
        Assert.Equal(0u, BitConverter.ToUInt32(code));
    }

    [Fact]
    public void WithoutProgramsEveryStartIsAllowed()
    {
        if (!OperatingSystem.IsLinux()) return;
        var launcher = new EbpfProcessLauncher(new ProcessExtension().Hook);
        using var child = launcher.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 3"]));
        child.WaitForExit();
        Assert.Equal(3, child.ExitCode);
    }
}
