namespace AutoEncoders.Training;

/// <summary>Everything the trainer needs besides the model, the objective and the data (Keras's fit arguments).</summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per mini-batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Reshuffle the training data every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffling and corruption generators (and of dropout, via torch's global generator).</summary>
    public int Seed { get; init; }

    /// <summary>Optimiser and learning rate.</summary>
    public OptimizerOptions Optimizer { get; init; } = new();

    /// <summary>Learning rate schedule, or null for a constant rate.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Fraction of the training data held out for validation when no validation set is given (0 = none).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Early stopping on the validation loss (training loss without validation), or null.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; init; }

    /// <summary>Clip the global gradient norm to this value, or null.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Write a checkpoint every this many epochs (when a checkpoint path is set).</summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>Console progress.</summary>
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;

    /// <summary>"cpu" or "cuda[:N]".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Checks the settings, throwing <see cref="ArgumentException"/> naming the field.</summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentException($"training.epochs must be at least 1; found {Epochs}.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"training.batchSize must be at least 1; found {BatchSize}.");
        }

        if (!(ValidationSplit >= 0 && ValidationSplit < 1))
        {
            throw new ArgumentException($"training.validationSplit must lie in [0, 1); found {ValidationSplit}.");
        }

        if (GradientClipNorm is double c && !(c > 0))
        {
            throw new ArgumentException($"training.gradientClipNorm must be positive; found {c}.");
        }

        if (CheckpointEvery < 1)
        {
            throw new ArgumentException($"training.checkpointEvery must be at least 1; found {CheckpointEvery}.");
        }

        Optimizer.Validate();
    }
}
