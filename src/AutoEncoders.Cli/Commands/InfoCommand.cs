using System.CommandLine;
using System.Reflection;
using AutoEncoders.Runtime;
using TorchSharp;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae info`: versions, threads and devices; loads libtorch, so it doubles as an installation check.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show versions, threads and devices, and check that libtorch loads.");
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TorchRuntime.EnsureLoaded();
            string version = typeof(TorchRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            output.WriteLine($"AutoEncoders   {version}");
            output.WriteLine($"TorchSharp     {typeof(torch).Assembly.GetName().Version}");
            output.WriteLine($"libtorch       {torch.__version__}");
            output.WriteLine($".NET           {Environment.Version}");
            output.WriteLine($"threads        {torch.get_num_threads()} (cores: {Environment.ProcessorCount})");
            output.WriteLine($"OpenMP wait    {TorchRuntime.OpenMpWait} (native {TorchRuntime.OpenMpWaitPolicyVariable}: {TorchRuntime.NativeOpenMpWaitPolicy ?? "unset"})");
            output.WriteLine($"CUDA           {(torch.cuda.is_available() ? $"{torch.cuda.device_count()} device(s)" : "not available (TorchSharp-cpu)")}");
            return 0;
        });
        return command;
    }
}
