using System.Reflection;
using System.Reflection.Emit;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Defines a static method for <see cref="JitEmitter"/> to write: a dynamic method today, a method of a persisted
/// assembly for a native module. The first parameter of every method is the program's <see cref="JitClosure"/>.
/// </summary>
internal delegate MethodInfo JitMethodFactory(string name, Type returnType, Type[] parameters, out ILGenerator il);
