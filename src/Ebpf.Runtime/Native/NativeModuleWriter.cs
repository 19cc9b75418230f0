using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Native;

/// <summary>
/// Compiles a loaded object (every program verified, unless the load was unverified) into a native module: the JIT's
/// emitter writes each program's methods into a <see cref="PersistedAssemblyBuilder"/> instead of dynamic methods,
/// as relocatable code (maps and helpers come from each load's closure), and the manifest records the program
/// table, hashes, helpers, maps and initial data (<see cref="NativeModuleFormat"/>).
/// </summary>
public static class NativeModuleWriter
{
    /// <summary>
    /// The module's bytes. <paramref name="loaded"/> must have been loaded with the JIT engine from
    /// <paramref name="sourceBytes"/>; <paramref name="unverified"/> says its programs were not verified.
    /// </summary>
    public static byte[] Write(LoadedObject loaded, ReadOnlySpan<byte> sourceBytes, string sourceName, bool unverified)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded.Skipped.Count > 0)
            throw new EbpfException(EbpfResult.InvalidArgument,
                $"{sourceName}: a module holds every program of the object; left out: {string.Join(", ", loaded.Skipped.Keys)}");
        string assemblyName = "ebpf_module_" + Sanitize(loaded.Name);
        var assembly = new PersistedAssemblyBuilder(new AssemblyName(assemblyName), typeof(object).Assembly);
        var module = assembly.DefineDynamicModule(assemblyName);
        var ignoreAccessChecks = DefineIgnoresAccessChecksTo(module);

        var entries = new List<NativeProgramEntry>();
        for (int index = 0; index < loaded.ProgramList.Count; index++)
            entries.Add(WriteProgram(module, index, loaded.ProgramList[index], loaded));

        var manifest = new NativeModuleManifest
        {
            FormatVersion = NativeModuleFormat.Version,
            Tool = NativeModuleFormat.Tool,
            ToolVersion = NativeModuleFormat.ToolVersion,
            CompiledAt = DateTimeOffset.UtcNow,
            SourceName = sourceName,
            SourceSha256 = Convert.ToHexStringLower(SHA256.HashData(sourceBytes)),
            Unverified = unverified,
            Abi = loaded.Abi.Name,
            MapTypeNumbering = loaded.Source.MapTypeNumbering,
            License = loaded.Source.License,
            Maps = [.. loaded.Source.Maps],
            Programs = [.. entries],
        };
        Metadata(assembly, NativeModuleFormat.FormatKey, NativeModuleFormat.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Metadata(assembly, NativeModuleFormat.ManifestKey, JsonSerializer.Serialize(manifest, NativeModuleFormat.Json));
        Metadata(assembly, NativeModuleFormat.DigestKey, NativeModuleFormat.DigestMarker + new string('0', NativeModuleFormat.DigestHexLength));

        var bytes = Save(assembly, ignoreAccessChecks, typeof(JitClosure).Assembly);
        int at = NativeModule.DigestOffset(bytes);
        Encoding.ASCII.GetBytes(Convert.ToHexStringLower(NativeModule.ComputeDigest(bytes, at))).CopyTo(bytes, at);
        return bytes;
    }

    private static NativeProgramEntry WriteProgram(ModuleBuilder module, int index, EbpfProgram program, LoadedObject loaded)
    {
        if (program.CachedExecutor?.Executor is not JitExecutor jit)
            throw new EbpfException(EbpfResult.InvalidArgument,
                $"program {program.Name}: a module is compiled from programs loaded with the JIT and bound to their extension");
        var source = loaded.Source.FindProgram(program.Name)!;
        var code = program.ExecutableInstructions.ToArray();
        var wideValues = new ulong[code.Length];
        var callTargets = new HelperFunction?[code.Length];
        ProgramPreparation.Prepare(code, jit.Helpers, program.WideImmediates, wideValues, callTargets);

        string typeName = $"EbpfModule.Program{index}";
        var type = module.DefineType(typeName, TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed);
        JitMethodFactory define = (string name, Type returnType, Type[] parameters, out ILGenerator il) =>
        {
            var method = type.DefineMethod(name, MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig,
                returnType, parameters);
            method.InitLocals = false; // as the dynamic methods: registers are cleared explicitly
            // Optimized at once, as dynamic methods are: an assembly's methods would otherwise start at tier 0.
            method.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
            il = method.GetILGenerator(256);
            return method;
        };
        var (emitter, emission) = JitCompiler.Emit(code, wideValues, callTargets, jit.Helpers, jit.Options, "entry", define, relocatable: true);
        type.CreateType();

        var information = program.VerifiedAgainst;
        return new NativeProgramEntry
        {
            Name = program.Name,
            Section = program.Section,
            SectionOffset = source.SectionOffset,
            ProgramType = program.ProgramType,
            AttachType = program.ExpectedAttachType ?? Guid.Empty,
            BpfAttachType = source.SectionMapping?.BpfAttachType ?? 0,
            ProgramTypeName = program.ProgramTypeName,
            Provider = program.ProviderName,
            HashAlgorithm = NativeModuleFormat.HashAlgorithm,
            Hash = program.ProgramInformationHashHex,
            Helpers = [.. program.CalledHelperIds.Select(id => new NativeHelperEntry(id, jit.Helpers.NameOf(id) ?? information.FindHelper(id)?.Name ?? id.ToString()))],
            BtfFunctions = [.. information.BtfFunctions],
            Instructions = Convert.ToBase64String(Slots(program.Instructions.AsSpan())),
            Executable = Convert.ToBase64String(Slots(code)),
            MainInstructionCount = source.MainInstructionCount,
            Functions = [.. source.Functions.Select(f => f with { Signature = null })],
            MapReferences = [.. source.MapReferences],
            TypeName = typeName,
            Methods = [.. emission.Methods.Select(m => m.Name)],
            CallSitePcs = [.. emitter.CallSitePcs],
            ArrayLookupMaps = [.. emitter.ArrayLookupMaps],
            IlSize = emission.IlSize,
            HasLocalCalls = emitter.HasLocalCalls,
            UsesStack = emitter.UsesStack,
            CallsTailCall = emitter.CallsTailCall,
            Mode = jit.Options.Mode,
            InstructionBudget = jit.Options.InstructionBudget,
            MaxCallDepth = jit.Options.MaxCallDepth,
        };
    }

    internal static byte[] Slots(ReadOnlySpan<Instruction> code)
    {
        var bytes = new byte[code.Length * Instruction.Size];
        for (int i = 0; i < code.Length; i++) code[i].Write(bytes.AsSpan(i * Instruction.Size));
        return bytes;
    }

    private static void Metadata(PersistedAssemblyBuilder assembly, string key, string value) =>
        assembly.SetCustomAttribute(new CustomAttributeBuilder(
            typeof(AssemblyMetadataAttribute).GetConstructor([typeof(string), typeof(string)])!, [key, value]));

    /// <summary>
    /// The module's methods take the runtime's internal closure and call its internal helpers, as the dynamic methods
    /// do with skipVisibility: the runtime honours an <c>IgnoresAccessChecksToAttribute</c> the assembly defines.
    /// </summary>
    private static ConstructorBuilder DefineIgnoresAccessChecksTo(ModuleBuilder module)
    {
        var attribute = module.DefineType("System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute",
            TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, typeof(Attribute));
        var constructor = attribute.DefineConstructor(MethodAttributes.Public | MethodAttributes.HideBySig | MethodAttributes.SpecialName |
            MethodAttributes.RTSpecialName, CallingConventions.Standard, [typeof(string)]);
        var il = constructor.GetILGenerator();
        il.Emit(System.Reflection.Emit.OpCodes.Ldarg_0);
        il.Emit(System.Reflection.Emit.OpCodes.Call, typeof(Attribute).GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes)!);
        il.Emit(System.Reflection.Emit.OpCodes.Ret);
        attribute.CreateType();
        return constructor;
    }

    /// <summary>
    /// The assembly's PE bytes, with <c>[assembly: IgnoresAccessChecksTo(target)]</c> added to the metadata directly:
    /// a custom attribute whose constructor is a <see cref="ConstructorBuilder"/> of the same persisted assembly is
    /// saved with a null constructor token (.NET 10's PersistedAssemblyBuilder), which the loader rejects.
    /// </summary>
    private static byte[] Save(PersistedAssemblyBuilder assembly, ConstructorBuilder ignoreAccessChecks, Assembly target)
    {
        var metadata = assembly.GenerateMetadata(out var ilStream, out var fieldData);
        var value = new BlobBuilder();
        new BlobEncoder(value).CustomAttributeSignature(out var fixedArguments, out var namedArguments);
        fixedArguments.AddArgument().Scalar().Constant(target.GetName().Name);
        namedArguments.Count(0);
        metadata.AddCustomAttribute(EntityHandle.AssemblyDefinition,
            MetadataTokens.MethodDefinitionHandle(ignoreAccessChecks.MetadataToken & 0xFFFFFF), metadata.GetOrAddBlob(value));
        var pe = new ManagedPEBuilder(new PEHeaderBuilder(imageCharacteristics: Characteristics.Dll | Characteristics.ExecutableImage),
            new MetadataRootBuilder(metadata), ilStream, fieldData);
        var image = new BlobBuilder();
        pe.Serialize(image);
        return image.ToArray();
    }

    private static string Sanitize(string name) =>
        new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
}
