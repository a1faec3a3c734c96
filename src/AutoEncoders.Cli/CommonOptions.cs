using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Runtime;

namespace AutoEncoders.Cli;

/// <summary>Options shared by the commands that run models: seed, threads, device and where data is found.</summary>
internal sealed class CommonOptions
{
    public Option<int?> Seed { get; } = new("--seed") { Description = "Random seed for initialisation, shuffling and noise (default: the recipe's)." };

    public Option<int?> Threads { get; } = new("--threads") { Description = "libtorch intra-op threads (default: all cores)." };

    public Option<string> Device { get; } = new("--device") { Description = "cpu, or cuda[:N] with a CUDA build of TorchSharp.", DefaultValueFactory = _ => "cpu" };

    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "A folder holding <dataset>/ folders, searched before AE_DATA_PATH and /usr/share/datasets." };

    public Option<bool> AllowDownload { get; } = new("--allow-download") { Description = "Download missing datasets (checksums verified) into ~/.cache/autoencoders." };

    public void AddTo(Command command)
    {
        command.Options.Add(Seed);
        command.Options.Add(Threads);
        command.Options.Add(Device);
        command.Options.Add(DataDir);
        command.Options.Add(AllowDownload);
    }

    /// <summary>Loads libtorch and applies threads, device and seed.</summary>
    public void ConfigureRuntime(ParseResult parse, int defaultSeed) =>
        TorchRuntime.Configure(new RuntimeOptions
        {
            Seed = parse.GetValue(Seed) ?? defaultSeed,
            Threads = parse.GetValue(Threads),
            Device = parse.GetValue(Device) ?? "cpu",
        });

    public DatasetOptions DatasetOptions(ParseResult parse, TextWriter log) => new()
    {
        DataDirectory = parse.GetValue(DataDir),
        AllowDownload = parse.GetValue(AllowDownload),
        Log = log.WriteLine,
    };
}
