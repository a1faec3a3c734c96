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

    /// <summary>
    /// The options, checked at once, so that a bad value is refused before anything is written. A command whose
    /// --epochs and --batch-size default to 0, "sized from the data", passes the sizes it chose as
    /// <paramref name="sized"/>: a 0 takes them, any other value is the user's and is checked as given.
    /// </summary>
    public TrainerOptions Read(ParseResult parse, int seed, CommonOptions common, (int Epochs, int BatchSize)? sized = null)
    {
        int epochs = parse.GetValue(Epochs);
        int batchSize = parse.GetValue(BatchSize);
        if (sized is (int sizedEpochs, int sizedBatchSize))
        {
            epochs = epochs == 0 ? sizedEpochs : epochs;
            batchSize = batchSize == 0 ? sizedBatchSize : batchSize;
        }

        var options = new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            Seed = seed,
            Optimizer = new OptimizerOptions { LearningRate = parse.GetValue(LearningRate) },
            Progress = ProgressMode.Lines,
            Device = parse.GetValue(common.Device) ?? "cpu",
        };
        options.Validate();
        return options;
    }
}
