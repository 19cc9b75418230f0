using System.Diagnostics;

namespace Ebpf.TestSupport;

/// <summary>Builds a small eBPF object from C text with clang-19 (-target bpf -O2) in a temporary directory.</summary>
public static class ClangObjects
{
    public static string Compile(string name, string source, string? includeDirectory = null)
    {
        string dir = Directory.CreateTempSubdirectory("ebpf-clang").FullName;
        string input = Path.Combine(dir, name + ".c"), output = Path.Combine(dir, name + ".o");
        File.WriteAllText(input, source);
        string archInclude = $"/usr/include/{(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "aarch64" : "x86_64")}-linux-gnu";
        string[] includes = includeDirectory is null ? ["-I" + archInclude] : ["-I" + includeDirectory, "-I" + archInclude];
        var start = new ProcessStartInfo("clang-19", ["-target", "bpf", "-O2", "-g", .. includes, "-c", input, "-o", output])
        {
            RedirectStandardError = true,
        };
        using var clang = Process.Start(start) ?? throw new InvalidOperationException("cannot start clang-19");
        string errors = clang.StandardError.ReadToEnd();
        clang.WaitForExit();
        if (clang.ExitCode != 0) throw new InvalidOperationException($"clang-19 failed on {name}.c (exit {clang.ExitCode}):\n{errors}");
        return output;
    }

    /// <summary>
    /// Compiles a C file as its author would for eBPF for Windows (<c>-nostdlibinc</c>, the given include directories)
    /// into <paramref name="outputDirectory"/>; returns the object's path, or null with clang's errors.
    /// </summary>
    public static (string? Path, string Errors) CompileFile(string source, string outputDirectory, params string[] includeDirectories)
    {
        string output = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(source) + ".o");
        var start = new ProcessStartInfo("clang-19", ["-target", "bpf", "-O2", "-g", "-nostdlibinc", .. includeDirectories.Select(d => "-I" + d), "-c", source, "-o", output])
        {
            RedirectStandardError = true,
        };
        using var clang = Process.Start(start) ?? throw new InvalidOperationException("cannot start clang-19");
        string errors = clang.StandardError.ReadToEnd();
        clang.WaitForExit();
        return (clang.ExitCode == 0 ? output : null, errors);
    }

    /// <summary>An XDP program that reads the packet without a bounds check: every verifier must refuse it.</summary>
    public const string UncheckedPacketRead = """
        struct xdp_md { unsigned int data, data_end; };
        __attribute__((section("xdp"), used)) int unchecked_read(struct xdp_md *ctx)
        {
            unsigned char *data = (unsigned char *)(long)ctx->data;
            return data[100];
        }
        char _license[] __attribute__((section("license"), used)) = "GPL";
        """;

    /// <summary>A sample_ext program (this repository's include/) reading its data without a bounds check: refused.</summary>
    public const string UncheckedSampleExtRead = """
        #include "bpf_helpers.h"
        #include "sample_ext_helpers.h"
        SEC("sample_ext")
        int unchecked_read(sample_program_context_t* ctx) { return ctx->data_start[3]; }
        char _license[] SEC("license") = "MIT";
        """;
}
