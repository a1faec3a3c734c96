using System.Runtime.CompilerServices;
using AutoEncoders.Runtime;

namespace AutoEncoders.Tests;

/// <summary>Runs every test with one libtorch thread: results do not depend on the machine's core count, and
/// OpenMP threads cannot stall each other when the machine is busy (a 20x slowdown seen on a loaded 2-core box).</summary>
internal static class TestRuntime
{
    [ModuleInitializer]
    internal static void UseOneThread() => TorchRuntime.DefaultThreads = 1;
}
