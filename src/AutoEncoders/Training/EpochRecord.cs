namespace AutoEncoders.Training;

/// <summary>What one epoch measured.</summary>
public sealed record EpochRecord
{
    /// <summary>1-based epoch number.</summary>
    public int Epoch { get; init; }

    /// <summary>Mean of each metric over the epoch's training batches ("loss" and each term).</summary>
    public IReadOnlyDictionary<string, double> Train { get; init; } = new Dictionary<string, double>();

    /// <summary>The same metrics on the validation data, or null without validation.</summary>
    public IReadOnlyDictionary<string, double>? Validation { get; init; }

    /// <summary>Learning rate used during the epoch.</summary>
    public double LearningRate { get; init; }

    /// <summary>Wall-clock seconds of the training part of the epoch.</summary>
    public double Seconds { get; init; }

    /// <summary>Training throughput.</summary>
    public double SamplesPerSecond { get; init; }

    /// <summary>The value early stopping and plateau schedules watch: validation loss if any, else training loss.</summary>
    public double Monitored => Validation?.GetValueOrDefault("loss") ?? Train.GetValueOrDefault("loss");
}
