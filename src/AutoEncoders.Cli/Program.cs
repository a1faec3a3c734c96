using AutoEncoders.Cli;
using AutoEncoders.Cli.NativeCompat;

// Before anything loads libtorch: an installed tool makes its native wrapper loadable where the system needs it.
if (InstalledLibTorchSharp.PatchIfNeeded(AppContext.BaseDirectory) is string note)
{
    Console.Error.WriteLine($"ae: {note}");
}

return AeApplication.Run(args);
