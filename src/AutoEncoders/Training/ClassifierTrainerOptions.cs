using System.Text.Json.Serialization;

namespace AutoEncoders.Training;

/// <summary>Settings of supervised training of an encoder classifier (cross-entropy on the softmax head).</summary>
public sealed record ClassifierTrainerOptions
{
    /// <summary>Passes over the labelled data.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Samples per mini-batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed of the shuffling generator and of dropout (torch's global generator).</summary>
    public int Seed { get; init; }

    /// <summary>Optimiser and learning rate.</summary>
    public OptimizerOptions Optimizer { get; init; } = new();

    /// <summary>Freeze this many encoder layers from the input up (0 trains everything).</summary>
    public int FreezeLayers { get; init; }

    /// <summary>Learning rate schedule, or null for a constant rate.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Early stopping on the monitored loss (the monitor data's when given, else the training loss), or null.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; init; }

    /// <summary>Clip the global gradient norm to this value, or null.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>"cpu" or "cuda[:N]".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Receives one line per epoch (loss, accuracies); null is silent.</summary>
    [JsonIgnore]
    public Action<string>? Log { get; init; }

    /// <summary>The settings of the training loop (always shuffled, silent: <see cref="Log"/> reports).</summary>
    public TrainerOptions TrainerOptions() => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        Seed = Seed,
        Optimizer = Optimizer,
        Schedule = Schedule,
        EarlyStopping = EarlyStopping,
        GradientClipNorm = GradientClipNorm,
        Device = Device,
        Progress = ProgressMode.Silent,
    };

    /// <summary>Checks the settings, throwing <see cref="ArgumentException"/> naming the field.</summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentException($"classifier epochs must be at least 1; found {Epochs}.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"classifier batchSize must be at least 1; found {BatchSize}.");
        }

        if (FreezeLayers < 0)
        {
            throw new ArgumentException($"classifier freezeLayers must not be negative; found {FreezeLayers}.");
        }

        Optimizer.Validate();
    }
}
