using System.CommandLine;
using AutoEncoders.Training;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// --epochs, --batch-size and --lr of the commands that train an autoencoder themselves (`ae detect fit`,
/// `ae documents`, `ae sequence-anomaly`), read into <see cref="TrainerOptions"/> (Adam, progress lines, --device).
/// </summary>
internal sealed class TrainerArguments
{
    public TrainerArguments(string epochsDescription, int epochs, string batchSizeDescription, int batchSize, double learningRate)
    {
        Epochs = new Option<int>("--epochs") { Description = epochsDescription, DefaultValueFactory = _ => epochs };
        BatchSize = new Option<int>("--batch-size") { Description = batchSizeDescription, DefaultValueFactory = _ => batchSize };
        LearningRate = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => learningRate };
    }

    public Option<int> Epochs { get; }

    public Option<int> BatchSize { get; }

    public Option<double> LearningRate { get; }

    /// <summary>The options, checked at once, so that a bad value is refused before data is loaded or anything is written.</summary>
    public TrainerOptions Read(ParseResult parse, int seed, CommonOptions common)
    {
        var options = new TrainerOptions
        {
            Epochs = parse.GetValue(Epochs),
            BatchSize = parse.GetValue(BatchSize),
            Seed = seed,
            Optimizer = new OptimizerOptions { LearningRate = parse.GetValue(LearningRate) },
            Progress = ProgressMode.Lines,
            Device = parse.GetValue(common.Device) ?? "cpu",
        };
        options.Validate();
        return options;
    }
}
