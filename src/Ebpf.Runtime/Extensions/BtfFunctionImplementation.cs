using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Extensions;

/// <summary>A BTF-resolved function an extension exports (name, module GUID, prototype) and its implementation.</summary>
public sealed record BtfFunctionImplementation(BtfResolvedFunction Function, HelperFunction Implementation);
