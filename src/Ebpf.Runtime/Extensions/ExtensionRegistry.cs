using System.Collections.Immutable;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tracing;

namespace Ebpf.Runtime.Extensions;

/// <summary>
/// Binds programs to the program-information providers of their types and links to the hook providers of their
/// attach types, at any moment and from any thread (the roles NMR plays in eBPF for Windows).
/// - A program is loaded against the provider of its type; its hash records that provider's information.
/// - A provider leaving unbinds its programs (invocations then report <see cref="EbpfResult.ExtensionFailedToLoad"/>)
///   and waits for invocations in flight; a provider arriving re-binds them only if the hash still matches.
/// - A hook provider leaving drops its links (they stay attached); one arriving re-binds them.
/// </summary>
public sealed class ExtensionRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, IProgramInformationProvider> _providers = [];
    private readonly List<HookProvider> _hooks = [];
    private readonly Dictionary<Guid, List<EbpfProgram>> _programs = [];
    private readonly List<Link> _links = [];
    private readonly Dictionary<string, BtfFunctionImplementation> _btfFunctions = new(StringComparer.Ordinal);
    private readonly Func<uint, HelperFunction?> _coreHelpers;

    public ExtensionRegistry(Func<uint, HelperFunction?> coreHelpers, IProgramVerifier? verifier = null,
        EpochManager? epochs = null, SectionRegistry? sections = null)
    {
        _coreHelpers = coreHelpers;
        Verifier = verifier;
        Epochs = epochs ?? EpochManager.Shared;
        Sections = sections ?? new SectionRegistry();
    }

    public IProgramVerifier? Verifier { get; }
    public EpochManager Epochs { get; }
    public SectionRegistry Sections { get; }

    /// <summary>Builds the executor of a bound program; the JIT replaces the interpreter here.</summary>
    public Func<EbpfProgram, HelperTable, IProgramExecutor> ExecutorFactory { get; set; } = DefaultExecutor;

    public IProgramInformationProvider? FindProgramInformation(Guid programType)
    {
        lock (_gate) return _providers.GetValueOrDefault(programType);
    }

    public IReadOnlyList<HookProvider> HookProviders
    {
        get { lock (_gate) return _hooks.ToArray(); }
    }

    public IReadOnlyList<Link> Links
    {
        get { lock (_gate) return _links.ToArray(); }
    }

    // ---- extensions ----

    /// <summary>The BTF-resolved function a loaded extension exports under <paramref name="name"/>, or null.</summary>
    public BtfFunctionImplementation? FindBtfFunction(string name)
    {
        lock (_gate) return _btfFunctions.GetValueOrDefault(name);
    }

    public void Load(IExtension extension)
    {
        lock (_gate)
        {
            foreach (var f in extension.BtfFunctions)
            {
                if (!_btfFunctions.TryAdd(f.Function.Name, f))
                    throw new EbpfException(EbpfResult.ObjectAlreadyExists,
                        $"Extension {extension.Name} exports BTF-resolved function '{f.Function.Name}', which another extension already exports.");
            }
        }
        foreach (var mapping in extension.Sections) Sections.Register(mapping);
        foreach (var provider in extension.ProgramInformationProviders) Register(provider);
        foreach (var hook in extension.HookProviders) Register(hook);
        if (extension.BtfFunctions.Count > 0) RebindBtfCallers(extension);
    }

    /// <summary>
    /// Programs left unbound when a BTF-resolved function's provider went away bind again when it returns with the
    /// same prototypes (the hash covers them) and their type's provider is present.
    /// </summary>
    private void RebindBtfCallers(IExtension extension)
    {
        lock (_gate)
        {
            foreach (var program in _programs.Values.SelectMany(p => p))
            {
                var needed = program.VerifiedAgainst.BtfFunctions;
                if (program.IsBound || !needed.Any(f => extension.BtfFunctions.Any(e => e.Function.Name == f.Name))) continue;
                if (needed.FirstOrDefault(f => _btfFunctions.GetValueOrDefault(f.Name)?.Function != f) is { } changed)
                {
                    program.LastBindError = $"BTF-resolved function '{changed.Name}' is missing or its prototype changed; program {program.Name} stays unbound.";
                    continue;
                }
                if (!_providers.TryGetValue(program.ProgramType, out var provider)) continue;
                try
                {
                    program.SetBinding(CreateBinding(program, provider));
                    program.LastBindError = null;
                }
                catch (EbpfException ex)
                {
                    program.LastBindError = ex.Message;
                }
            }
        }
    }

    public void Unload(IExtension extension)
    {
        foreach (var hook in extension.HookProviders) Unregister(hook);
        foreach (var provider in extension.ProgramInformationProviders) Unregister(provider);
        foreach (var mapping in extension.Sections) Sections.Unregister(mapping);
        if (extension.BtfFunctions.Count == 0) return;
        lock (_gate)
        {
            // Programs calling a function that leaves stay loaded and unbound (invocations report 23), as upstream's
            // programs do when their BTF-resolved-function provider detaches.
            foreach (var f in extension.BtfFunctions)
            {
                if (!_btfFunctions.TryGetValue(f.Function.Name, out var current) || !ReferenceEquals(current, f)) continue;
                _btfFunctions.Remove(f.Function.Name);
                foreach (var program in _programs.Values.SelectMany(p => p).Where(p => p.VerifiedAgainst.BtfFunctions.Contains(f.Function)))
                {
                    program.SetBinding(null);
                    program.LastBindError = $"The provider of BTF-resolved function '{f.Function.Name}' ({extension.Name}) left.";
                }
            }
        }
        Epochs.Synchronize();
    }

    // ---- program-information providers ----

    public void Register(IProgramInformationProvider provider)
    {
        var type = provider.Information.Descriptor.ProgramType;
        var refused = new List<(EbpfProgram Program, string Expected, string Actual)>();
        lock (_gate)
        {
            if (!_providers.TryAdd(type, provider))
                throw new EbpfException(EbpfResult.ObjectAlreadyExists,
                    $"A program-information provider ({_providers[type].Name}) is already registered for program type '{provider.Information.Descriptor.Name}' ({type}).");
            foreach (var program in ProgramsOf(type))
            {
                byte[] hash;
                try
                {
                    hash = ProgramInformationHash.Compute(provider.Information.WithBtfFunctions(program.VerifiedAgainst.BtfFunctions), program.CalledHelperIds);
                }
                catch (ProgramInformationException ex)
                {
                    program.LastBindError = $"Provider {provider.Name} cannot serve program {program.Name}: {ex.Message}";
                    refused.Add((program, program.ProgramInformationHashHex, "(none: " + ex.Message + ")"));
                    continue;
                }
                if (!hash.AsSpan().SequenceEqual(program.ProgramInformationHash))
                {
                    string actual = ProgramInformationHash.ToHex(hash);
                    program.LastBindError = HashMismatchMessage(program, provider, program.ProgramInformationHashHex, actual);
                    refused.Add((program, program.ProgramInformationHashHex, actual));
                    continue;
                }
                try
                {
                    program.SetBinding(CreateBinding(program, provider));
                    program.LastBindError = null;
                }
                catch (EbpfException ex)
                {
                    program.LastBindError = ex.Message;
                }
            }
        }
        foreach (var (program, expected, actual) in refused)
            EbpfEventSource.Log.HashMismatch(program.Name, program.ProgramTypeName, provider.Name, expected, actual);
        EbpfEventSource.Log.ProviderRegistered("program-information", provider.Name, provider.Information.Descriptor.Name);
    }

    public void Unregister(IProgramInformationProvider provider)
    {
        var type = provider.Information.Descriptor.ProgramType;
        lock (_gate)
        {
            if (!_providers.TryGetValue(type, out var current) || !ReferenceEquals(current, provider)) return;
            _providers.Remove(type);
            foreach (var program in ProgramsOf(type)) program.SetBinding(null);
        }
        // Rundown: invocations that picked up the old binding entered their epoch before this point.
        Epochs.Synchronize();
        EbpfEventSource.Log.ProviderUnregistered("program-information", provider.Name, provider.Information.Descriptor.Name);
    }

    // ---- hook providers ----

    public void Register(HookProvider hook)
    {
        lock (_gate)
        {
            if (_hooks.Any(h => h.AttachType == hook.AttachType && h.ProgramType == hook.ProgramType))
                throw new EbpfException(EbpfResult.ObjectAlreadyExists,
                    $"A hook provider is already registered for attach type {hook.AttachType} and program type {hook.ProgramType}.");
            _hooks.Add(hook);
            foreach (var link in _links)
            {
                if (link.State == LinkState.Attached && link.Provider is null && Accepts(hook, link))
                    hook.Bind(link);
            }
        }
        EbpfEventSource.Log.ProviderRegistered("hook", hook.Name, hook.AttachType.ToString());
    }

    public void Unregister(HookProvider hook)
    {
        lock (_gate)
        {
            if (!_hooks.Remove(hook)) return;
            hook.UnbindAll();
        }
        EbpfEventSource.Log.ProviderUnregistered("hook", hook.Name, hook.AttachType.ToString());
    }

    // ---- programs ----

    /// <summary>
    /// Loads a program against the provider of its type: every helper it calls must be provided, it must verify
    /// (unless <see cref="ProgramLoadRequest.Unverified"/>), and a supplied hash must match the computed one.
    /// </summary>
    public EbpfProgram LoadProgram(ProgramLoadRequest request)
    {
        IProgramInformationProvider provider;
        lock (_gate)
        {
            provider = _providers.GetValueOrDefault(request.ProgramType) ?? throw new EbpfException(EbpfResult.ExtensionFailedToLoad,
                $"Program {request.Name} (section {request.Section}): no program-information provider is registered for program type {request.ProgramType}.");
        }
        foreach (var f in request.BtfFunctions)
        {
            var exported = FindBtfFunction(f.Name);
            if (exported is null || exported.Function != f)
                throw new EbpfException(EbpfResult.ExtensionFailedToLoad,
                    $"Program {request.Name} (section {request.Section}) calls BTF-resolved function '{f.Name}' (module {f.Module}), " +
                    (exported is null ? "which no loaded extension exports." : "whose exported prototype differs."));
        }
        var information = provider.Information.WithBtfFunctions(request.BtfFunctions);
        var called = CalledHelperIds(request.Instructions);
        foreach (var id in called)
        {
            if (information.FindHelper(id) is null)
                throw new EbpfException(EbpfResult.InvalidArgument,
                    $"Program {request.Name} (section {request.Section}) calls helper {HelperName(information.Abi, id)} which program type '{information.Descriptor.Name}' does not provide.");
        }

        if (!request.Unverified && request.Native is null)
        {
            var verifier = Verifier ?? throw new EbpfException(EbpfResult.VerificationFailed,
                $"Program {request.Name}: no verifier is configured, and the load did not ask for unverified mode.");
            if (verifier.Verify(request.Name, request.Instructions, information, request.Maps, request.GlobalFunctions) is { } failure)
            {
                EbpfEventSource.Log.VerificationFailed(request.Name, request.Section, failure.InstructionIndex, failure.Message);
                throw new EbpfException(EbpfResult.VerificationFailed,
                    $"Program {request.Name} (section {request.Section}) failed verification at instruction {failure.InstructionIndex}: {failure.Message}");
            }
        }

        var hash = ProgramInformationHash.Compute(information, called);
        if (request.ExpectedHash is { } expected && !expected.AsSpan().SequenceEqual(hash))
        {
            string expectedHex = ProgramInformationHash.ToHex(expected), actualHex = ProgramInformationHash.ToHex(hash);
            EbpfEventSource.Log.HashMismatch(request.Name, information.Descriptor.Name, provider.Name, expectedHex, actualHex);
            throw new EbpfException(EbpfResult.InvalidArgument,
                $"Program {request.Name}: program information hash mismatch for program type '{information.Descriptor.Name}' " +
                $"(provider {provider.Name}): expected {expectedHex}, computed {actualHex}.");
        }

        // Verified as the program reads its context; run against the context the runtime builds.
        var executable = provider.ContextFields is { } fields
            ? ContextAccessRewriter.Rewrite(request.Instructions.AsSpan(), fields, request.Name, provider.WritableContextFields).ToImmutableArray()
            : request.Instructions;
        if (request.Native is { } native && !native.Executable.AsSpan().SequenceEqual(executable.AsSpan()))
            throw new EbpfException(EbpfResult.InvalidArgument,
                $"Program {request.Name}: the context layout of program type '{information.Descriptor.Name}' (provider {provider.Name}) " +
                "differs from the one the native module was compiled against; compile the module again.");
        var program = new EbpfProgram(request, executable, information, provider.Name, called, hash, Epochs,
            id => ImplementationOf(provider, id));
        lock (_gate)
        {
            // The provider may have left while we verified; then the program waits for its return.
            if (_providers.TryGetValue(request.ProgramType, out var current) && ReferenceEquals(current, provider))
                program.SetBinding(CreateBinding(program, provider));
            if (!_programs.TryGetValue(request.ProgramType, out var list)) _programs[request.ProgramType] = list = [];
            list.Add(program);
        }
        EbpfEventSource.Log.ProgramLoaded(program.Name, program.Section, information.Descriptor.Name, program.ProgramInformationHashHex);
        return program;
    }

    /// <summary>Forgets a program: it is unbound, and its links are detached.</summary>
    public void UnloadProgram(EbpfProgram program)
    {
        foreach (var link in Links.Where(l => l.Program == program)) Detach(link);
        lock (_gate)
        {
            if (_programs.TryGetValue(program.ProgramType, out var list)) list.Remove(program);
            program.SetBinding(null);
        }
        Epochs.Synchronize();
    }

    // ---- links ----

    /// <summary>
    /// Attaches <paramref name="program"/> to the hook of <paramref name="attachType"/> (default: the attach type
    /// its section expects). Fails with <see cref="EbpfResult.ExtensionFailedToLoad"/> when no hook provider is there.
    /// </summary>
    public Link Attach(EbpfProgram program, Guid? attachType = null, ReadOnlyMemory<byte> parameters = default)
    {
        var type = attachType ?? program.ExpectedAttachType ?? throw new EbpfException(EbpfResult.InvalidArgument,
            $"Program {program.Name} (section {program.Section}) has no expected attach type; name one.");
        var link = new Link(program, type, parameters);
        link.TryMove(LinkState.Initial, LinkState.Attaching);
        lock (_gate)
        {
            var hook = _hooks.FirstOrDefault(h => Accepts(h, link));
            if (hook is null)
            {
                link.SetState(LinkState.Detached);
                throw new EbpfException(EbpfResult.ExtensionFailedToLoad,
                    $"Cannot attach {program.Name}: no hook provider for attach type {type} accepts program type '{program.ProgramTypeName}'.");
            }
            try
            {
                hook.Bind(link);
            }
            catch (ArgumentException ex)
            {
                link.SetState(LinkState.Detached);
                throw new EbpfException(EbpfResult.InvalidArgument, $"Cannot attach {program.Name} to {hook.Name}: {ex.Message}");
            }
            link.SetState(LinkState.Attached);
            _links.Add(link);
        }
        EbpfEventSource.Log.LinkAttached(program.Name, type.ToString());
        return link;
    }

    public void Detach(Link link)
    {
        if (!link.TryMove(LinkState.Attached, LinkState.Detaching)) return;
        lock (_gate)
        {
            link.Provider?.Unbind(link);
            _links.Remove(link);
        }
        link.SetState(LinkState.Detached);
        EbpfEventSource.Log.LinkDetached(link.Program.Name, link.AttachType.ToString());
    }

    // ---- internals ----

    private static bool Accepts(HookProvider hook, Link link) =>
        hook.AttachType == link.AttachType && hook.ProgramType == link.Program.ProgramType;

    private List<EbpfProgram> ProgramsOf(Guid type) => _programs.GetValueOrDefault(type) ?? [];

    private ProgramBinding CreateBinding(EbpfProgram program, IProgramInformationProvider provider)
    {
        var table = new HelperTable();
        var functions = new HelperFunction[program.CalledHelperIds.Length];
        int index = 0;
        foreach (var id in program.CalledHelperIds)
        {
            if (BtfResolvedFunction.IsBtfFunctionId(id))
            {
                var f = program.VerifiedAgainst.BtfFunctions[(int)(id - BtfResolvedFunction.IdBase)];
                var exported = _btfFunctions.GetValueOrDefault(f.Name) ?? throw new EbpfException(EbpfResult.ExtensionFailedToLoad,
                    $"Program {program.Name}: no loaded extension exports BTF-resolved function '{f.Name}'.");
                table.Add(id, f.Name, exported.Implementation);
                functions[index++] = exported.Implementation;
                continue;
            }
            var prototype = provider.Information.FindHelper(id)!;
            var function = ImplementationOf(provider, id) ?? throw new EbpfException(EbpfResult.InvalidArgument,
                    $"Program {program.Name}: helper {prototype.Name} ({id}) has no implementation in provider {provider.Name} or the core.");
            table.Add(id, prototype.Name, function);
            functions[index++] = function;
        }
        // A provider that returns with the same helper implementations gets the executor already built: compiling
        // again (milliseconds with the JIT) would leave the program unbound that much longer on every re-bind.
        var factory = program.Native?.CreateExecutor ?? ExecutorFactory;
        if (program.CachedExecutor is { } cached && ReferenceEquals(cached.Factory, factory) &&
            cached.Helpers.AsSpan().SequenceEqual(functions))
            return new ProgramBinding(provider, cached.Executor, program.NeedsInvocationScope);
        var executor = factory(program, table);
        program.CachedExecutor = new CachedExecutor(factory, functions, executor);
        return new ProgramBinding(provider, executor, program.NeedsInvocationScope);
    }

    /// <summary>The provider's implementation of helper <paramref name="id"/>, else the core's when its ABI has one.</summary>
    private HelperFunction? ImplementationOf(IProgramInformationProvider provider, uint id) =>
        provider.FindImplementation(id) ??
        (id <= GlobalHelpers.MaxGlobalHelperId && provider.Information.Abi.HasCoreImplementation(id) ? _coreHelpers(id) : null);

    /// <summary>The JIT for <see cref="ExecutionEngine.Jit"/> programs, the interpreter for the others.</summary>
    public static IProgramExecutor DefaultExecutor(EbpfProgram program, HelperTable helpers) => program.Engine switch
    {
        ExecutionEngine.Jit => JitCompiler.Compile(program.ExecutableInstructions.AsSpan(), helpers,
            new JitOptions
            {
                ResolveWideImmediate = program.WideImmediates, Mode = program.Mode, InstructionBudget = program.InstructionBudget, Verified = program.Verified,
            }),
        _ => new InterpreterExecutor(new Interpreter(program.ExecutableInstructions.AsSpan(), helpers,
            new InterpreterOptions { ResolveWideImmediate = program.WideImmediates, Mode = program.Mode, InstructionBudget = program.InstructionBudget })),
    };

    private static string HashMismatchMessage(EbpfProgram program, IProgramInformationProvider provider, string expected, string actual) =>
        $"Program information hash mismatch for program {program.Name} (type '{program.ProgramTypeName}', provider {provider.Name}): " +
        $"expected {expected}, got {actual}.";

    private static string HelperName(PlatformAbi abi, uint id) => abi.FindGlobalHelper(id) is { } p ? $"{p.Name} ({id})" : id.ToString();

    /// <summary>Distinct ids of the helpers a program calls (call with src 0), ascending.</summary>
    public static ImmutableArray<uint> CalledHelperIds(ImmutableArray<Instruction> instructions)
    {
        var ids = new SortedSet<uint>();
        for (int i = 0; i < instructions.Length; i++)
        {
            var insn = instructions[i];
            if (insn.Opcode == OpCodes.Call && insn.Src == PseudoSource.HelperCall) ids.Add((uint)insn.Imm);
            else if (insn.IsWideLoad) i++;
        }
        return [.. ids];
    }
}
