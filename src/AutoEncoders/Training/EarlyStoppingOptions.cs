namespace AutoEncoders.Training;

/// <summary>Stop when the monitored metric stops improving (Keras's EarlyStopping).</summary>
public sealed record EarlyStoppingOptions
{
    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Smallest absolute decrease that counts as an improvement.</summary>
    public double MinDelta { get; init; }

    /// <summary>Put back the weights of the best epoch when stopping (or at the end).</summary>
    public bool RestoreBestWeights { get; init; } = true;
}
