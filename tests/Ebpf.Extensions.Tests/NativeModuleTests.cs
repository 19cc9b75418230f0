using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Process;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Native;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Extensions.Tests;

/// <summary>
/// Native modules: an object compiled ahead of time into a .NET assembly by the JIT's emitter, loaded without
/// verification but with each program-information hash checked against the extension serving the type now.
/// </summary>
public class NativeModuleTests
{
    private static string Sample(string name)
    {
        var path = RepoPaths.RepoPath("samples", "build", name);
        Assert.True(File.Exists(path), $"{path} is missing: run samples/build.sh (eng/setup.sh installs clang-19).");
        return path;
    }

    private static EbpfRuntime Runtime(params IExtension[] extensions)
    {
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier());
        foreach (var extension in extensions) runtime.Use(extension);
        return runtime;
    }

    /// <summary>Compiles <paramref name="objectPath"/> as <c>ebpf compile</c> does: load (verify, JIT), then write the module.</summary>
    internal static byte[] Compile(string objectPath, params IExtension[] extensions)
    {
        using var loaded = Runtime(extensions).Load(objectPath);
        return NativeModuleWriter.Write(loaded, File.ReadAllBytes(objectPath), Path.GetFileName(objectPath), unverified: false);
    }

    [Fact]
    public void TheSeedCompiledToOneModuleLoadsWithEachExtensionsHashAttachesAndBehavesAsTheJit()
    {
        var path = Sample("multi_extension.o");
        var module = NativeModule.Read(Compile(path, new ProcessExtension(), new NetExtension(), new SampleExtension()), "multi_extension.dll");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), module.SourceSha256);
        Assert.Equal(NativeModuleFormat.Version, module.FormatVersion);

        var process = new ProcessExtension();
        var net = new NetExtension();
        var runtime = Runtime(process, net, new SampleExtension());
        using var fromObject = Runtime(new ProcessExtension(), new NetExtension(), new SampleExtension()).Load(path);
        using var loaded = runtime.Load(module);

        var expected = MultiExtensionObjectTests.ProviderOfEachProgram(process, net);
        Assert.Equal(expected.Keys.Order(), loaded.Programs.Keys.Order());
        foreach (var (name, provider) in expected)
        {
            var program = loaded.Program(name);
            Assert.NotNull(program.Native);
            Assert.Equal(provider.Name, program.ProviderName);
            Assert.Equal(fromObject.Program(name).ProgramInformationHashHex, program.ProgramInformationHashHex);
            Assert.Equal(program.ProgramInformationHash, module.Programs[name].Hash);
            Assert.Equal("SHA256", module.Programs[name].HashAlgorithm);
            Assert.Equal(fromObject.Program(name).ExpectedAttachType, program.ExpectedAttachType);
        }
        MultiExtensionObjectTests.AttachAndCheckHooksAndRingBuffer(runtime, process, net, loaded);
    }

    [Fact]
    public void AChangedHelperPrototypeRefusesTheModuleWithBothHashesAndAnUnchangedOneLoads()
    {
        var path = Sample("process_monitor.o");
        var bytes = Compile(path, new ProcessExtension());
        string compiled = ProgramInformationHash.ToHex(NativeModule.Read(bytes, "m.dll").Programs["process_monitor"].Hash);

        var process = new ProcessExtension();
        var runtime = Runtime(process);
        runtime.Extensions.Unregister(process.Provider);
        runtime.Extensions.Register(process.Provider.WithPrototype(ProcessHelpers.GetImagePathId,
            p => p with { ReturnType = ReturnType.PtrToMapValueOrNull }));
        var refused = Assert.Throws<EbpfException>(() => runtime.Load(NativeModule.Read(bytes, "m.dll")));
        Assert.Equal(EbpfResult.InvalidArgument, refused.Result);
        Assert.Equal(6, (int)refused.Result);
        Assert.Contains("process_monitor", refused.Message);
        Assert.Contains("'process'", refused.Message);
        Assert.Contains(ProcessExtension.ExtensionName, refused.Message);
        Assert.Contains(compiled, refused.Message);
        var changedHash = ProgramInformationHash.ToHex(ProgramInformationHash.Compute(
            runtime.Extensions.FindProgramInformation(WellKnownProgramTypes.ProcessGuid)!.Information, [ProcessHelpers.GetImagePathId,
                .. NativeModule.Read(bytes, "m.dll").Programs["process_monitor"].Helpers.Select(h => h.Id)]));
        Assert.Contains(changedHash, refused.Message);
        Assert.NotEqual(compiled, changedHash);

        // A helper the program does not call may change: the hash, and so the load, are unaffected.
        var other = Runtime(new ProcessExtension());
        var provider = (ProgramInformationProvider)other.Extensions.FindProgramInformation(WellKnownProgramTypes.ProcessGuid)!;
        other.Extensions.Unregister(provider);
        other.Extensions.Register(provider.WithPrototype(ProcessHelpers.GetAccountDomainId, p => p with { ReturnType = ReturnType.PtrToMapValueOrNull }));
        using var loaded = other.Load(NativeModule.Read(bytes, "m.dll"));
        Assert.Equal(compiled, loaded.Program("process_monitor").ProgramInformationHashHex);
        Assert.True(loaded.Program("process_monitor").IsBound);
    }

    [Fact]
    public void AProviderReturningWithADifferentHashIsRefusedAsForJitPrograms()
    {
        var bytes = Compile(Sample("process_monitor.o"), new ProcessExtension());
        var process = new ProcessExtension();
        var runtime = Runtime(process);
        using var loaded = runtime.Load(NativeModule.Read(bytes, "m.dll"));
        var program = loaded.Program("process_monitor");
        Assert.True(program.IsBound);
        runtime.Extensions.Unregister(process.Provider);
        runtime.Extensions.Register(process.Provider.WithPrototype(ProcessHelpers.GetImagePathId,
            p => p with { ReturnType = ReturnType.PtrToMapValueOrNull }));
        Assert.False(program.IsBound);
        Assert.Contains("hash mismatch", program.LastBindError);
    }

    [Fact]
    public void TwoLoadsOfOneModuleKeepSeparateMaps()
    {
        var module = NativeModule.Read(Compile(Sample("multi_extension.o"), new ProcessExtension(), new NetExtension()), "m.dll");
        var process = new ProcessExtension();
        var net = new NetExtension();
        var runtime = Runtime(process, net);
        using var first = runtime.Load(module);
        using var second = runtime.Load(module);
        Assert.NotSame(first.Map("events"), second.Map("events"));
        runtime.Extensions.Attach(first.Program("process_monitor"));
        process.Hook.NotifyCreate(new ProcessEvent(ProcessOperation.Create, 4321));

        var firstIds = new List<ulong>();
        ((RingBufferMap)first.Map("events")).Consume(r => firstIds.Add(BinaryPrimitives.ReadUInt64LittleEndian(r[8..])));
        var secondCount = 0;
        ((RingBufferMap)second.Map("events")).Consume(_ => secondCount++);
        Assert.Equal([4321UL], firstIds);
        Assert.Equal(0, secondCount);

        runtime.Extensions.Attach(second.Program("process_monitor"));
        process.Hook.NotifyCreate(new ProcessEvent(ProcessOperation.Create, 99));
        var both = new List<ulong>();
        ((RingBufferMap)first.Map("events")).Consume(r => both.Add(BinaryPrimitives.ReadUInt64LittleEndian(r[8..])));
        ((RingBufferMap)second.Map("events")).Consume(r => both.Add(BinaryPrimitives.ReadUInt64LittleEndian(r[8..])));
        Assert.Equal([99UL, 99UL], both);
    }

    // ---- integrity ----

    private static byte[] SeedModule() => Compile(Sample("multi_extension.o"), new ProcessExtension(), new NetExtension());

    private static void AssertIntegrityError(byte[] edited)
    {
        var e = Assert.Throws<EbpfException>(() => NativeModule.Read(edited, "edited.dll"));
        Assert.Equal(EbpfResult.InvalidObject, e.Result);
        Assert.Contains("integrity check failed", e.Message);
    }

    private static int IndexOf(byte[] bytes, string text)
    {
        int at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
        Assert.True(at >= 0, $"'{text}' not found in the module");
        return at;
    }

    [Fact]
    public void FlippingAByteOfAProgramsCodeIsAnIntegrityError()
    {
        var bytes = SeedModule();
        using (var pe = new PEReader(new MemoryStream(bytes)))
        {
            var reader = pe.GetMetadataReader();
            var method = reader.MethodDefinitions.Select(reader.GetMethodDefinition)
                .First(m => reader.GetString(m.Name) == "entry" && m.RelativeVirtualAddress != 0);
            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            Assert.True(pe.PEHeaders.TryGetDirectoryOffset(new DirectoryEntry(method.RelativeVirtualAddress, body.Size), out int offset));
            bytes[offset + body.Size / 2] ^= 0x01; // an IL byte inside the body
        }
        AssertIntegrityError(bytes);
        // The eBPF code recorded beside the IL is covered too.
        var again = SeedModule();
        again[IndexOf(again, "\"Instructions\":\"") + 20] ^= 0x01;
        AssertIntegrityError(again);
    }

    [Fact]
    public void FlippingAByteOfAProgramsHashIsAnIntegrityError()
    {
        var bytes = SeedModule();
        string hash = ProgramInformationHash.ToHex(NativeModule.Read(bytes, "m.dll").Programs["process_monitor"].Hash);
        int at = IndexOf(bytes, hash);
        bytes[at] = (byte)(bytes[at] == (byte)'0' ? '1' : '0');
        AssertIntegrityError(bytes);
    }

    [Fact]
    public void FlippingAByteOfAProgramsHelperListIsAnIntegrityError()
    {
        var bytes = SeedModule();
        int at = IndexOf(bytes, "\"Helpers\":[{\"Id\":") + "\"Helpers\":[{\"Id\":".Length;
        Assert.InRange(bytes[at], (byte)'0', (byte)'9');
        bytes[at] = (byte)(bytes[at] == (byte)'9' ? '8' : bytes[at] + 1);
        AssertIntegrityError(bytes);
    }

    [Fact]
    public void AModuleOfAnotherFormatSaysSoAndAnObjectIsNotAModule()
    {
        var bytes = SeedModule();
        // The format number is the value of its metadata pair: "ebpf-module-format" then the length-prefixed "1".
        int at = IndexOf(bytes, NativeModuleFormat.FormatKey) + NativeModuleFormat.FormatKey.Length;
        Assert.Equal((byte)1, bytes[at]);
        bytes[at + 1] = (byte)'7';
        var e = Assert.Throws<EbpfException>(() => NativeModule.Read(bytes, "future.dll"));
        Assert.Equal(EbpfResult.InvalidObject, e.Result);
        Assert.Contains("module format 7", e.Message);
        Assert.Contains($"reads format {NativeModuleFormat.Version}", e.Message);

        Assert.False(NativeModule.IsModule(File.ReadAllBytes(Sample("multi_extension.o"))));
        var notModule = Assert.Throws<EbpfException>(() => NativeModule.Read(typeof(NativeModuleTests).Assembly.Location is { Length: > 0 } l
            ? File.ReadAllBytes(l) : [], "tests.dll"));
        Assert.Contains("not a native module", notModule.Message);
    }
}
