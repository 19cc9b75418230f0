using Ebpf.Platform;

namespace Ebpf.Verifier.Platforms;

/// <summary>
/// What the verifier needs to know about the program being verified and its environment: the context layout of the
/// program type, the helper prototypes it may call, and the maps its lddw instructions refer to.
/// </summary>
public interface IVerifierPlatform
{
    /// <summary>The program type's name, for messages.</summary>
    string ProgramTypeName { get; }

    ContextDescriptor Context { get; }

    /// <summary>Width in bytes of the context's data/data_end/data_meta fields (4 on Linux, 8 on Windows).</summary>
    int ContextPointerWidth { get; }

    /// <summary>
    /// A privileged program type may pass pointers where a helper takes any value (PREVAIL's <c>is_privileged</c>, the
    /// kernel's allow_ptr_leaks); an unprivileged one must pass numbers there, or addresses leak to the helper.
    /// </summary>
    bool IsPrivileged => false;

    /// <summary>The prototype of helper <paramref name="id"/> for this program type, or null when it is unavailable.</summary>
    HelperPrototype? FindHelper(int id);

    /// <summary>The map an lddw refers to: by file descriptor (src 1/2) or by index into the object's maps (src 5/6).</summary>
    MapDescriptor? FindMap(int reference, bool byIndex);

    /// <summary>Why <paramref name="helper"/> may not take <paramref name="map"/> (a map type it does not serve), or null.</summary>
    string? CheckMapHelper(HelperPrototype helper, MapDescriptor map) => null;

    /// <summary>How helper <paramref name="id"/> calls the function it is given, when it takes one the verifier models.</summary>
    CallbackKind CallbackOf(int id) => CallbackKind.None;
}
