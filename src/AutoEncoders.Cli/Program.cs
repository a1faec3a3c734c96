using AutoEncoders.Cli;
using AutoEncoders.Runtime;

// The first libtorch load of an installation may patch its native wrapper for this system's libstdc++
// (TorchRuntime.EnsureLoaded, once per installation): say so on stderr. Commands that need no libtorch pay nothing.
TorchRuntime.LoadNotice = note => Console.Error.WriteLine($"ae: {note}");

return AeApplication.Run(args);
