using System.Globalization;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// How <see cref="SequenceAnomalyDetector.Train"/> builds and trains a detector. Every size left null is set from the
/// data by <see cref="Resolve"/>'s stated rule, so one default configuration serves short heartbeats and long
/// multichannel recordings without per-set tuning.
/// </summary>
public sealed record SequenceDetectorOptions
{
    /// <summary>The autoencoder: dense on the flattened window (default), LSTM or GRU.</summary>
    public SequenceDetectorKind Kind { get; init; } = SequenceDetectorKind.Dense;

    /// <summary>What a series is scored by (default: reconstruction error).</summary>
    public SequenceScore Score { get; init; } = SequenceScore.Reconstruction;

    /// <summary>Neighbours k of the latent-space score.</summary>
    public int Neighbours { get; init; } = 5;

    /// <summary>How per-step errors become the reconstruction score.</summary>
    public StepErrorAggregation Aggregation { get; init; } = StepErrorAggregation.Mean;

    /// <summary>
    /// Steps of the centred moving average applied to each channel's residual before it is squared (1: none); null:
    /// from the window's length. Averages out the step-to-step jitter of the reconstruction, keeping deviations that
    /// last several steps (a changed wave shape).
    /// </summary>
    public int? Smoothing { get; init; }

    /// <summary>Hidden units (dense: the one hidden layer each side; recurrent: per cell); null: from the data.</summary>
    public int? HiddenSize { get; init; }

    /// <summary>Code size; null: from the data.</summary>
    public int? CodeSize { get; init; }

    /// <summary>Series per mini-batch; null: from the data.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Most passes over the training series; null: from the data (early stopping usually ends sooner).</summary>
    public int? Epochs { get; init; }

    /// <summary>Standard deviation of Gaussian noise added to the (normalised) training inputs, 0 for none (a denoising autoencoder).</summary>
    public double Noise { get; init; }

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Epochs without a lower held-out loss before training stops (the best epoch's weights are kept).</summary>
    public int Patience { get; init; } = 30;

    /// <summary>Share of the training series held out for early stopping and the threshold.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Seed of the hold-out draw, the initialisation and the shuffling.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// The options with every null size set from <paramref name="trainingCount"/> series of <paramref name="length"/>
    /// steps x <paramref name="channels"/> channels (L = length x channels values):
    /// dense hidden = clamp(L / 2, 16, 256), code = clamp(L / 16, 4, 32); recurrent hidden = clamp(8 x channels, 32, 128),
    /// code = clamp(L / 8, 4, 32); residual smoothing = 2 x (length / 40) + 1 steps (5 for a 96-step heartbeat, none
    /// under 40 steps); batch = clamp(N / 8, 8, 256), so even 50 series give several optimiser steps per epoch; epochs =
    /// enough for 3,000 steps (dense) or 1,000 (recurrent, whose steps cost about 100 times more), clamped to [20, 1000].
    /// The step budget, not the epoch count, is what a model needs to leave the mean-series plateau.
    /// </summary>
    public SequenceDetectorOptions Resolve(int trainingCount, int length, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        Validate();
        int values = length * channels;
        bool dense = Kind == SequenceDetectorKind.Dense;
        int batch = BatchSize ?? Math.Clamp(trainingCount / 8, 8, 256);
        int stepsPerEpoch = (trainingCount + batch - 1) / batch;
        int steps = dense ? 3000 : 1000;
        return this with
        {
            HiddenSize = HiddenSize ?? (dense ? Math.Clamp(values / 2, 16, 256) : Math.Clamp(8 * channels, 32, 128)),
            CodeSize = CodeSize ?? Math.Clamp(values / (dense ? 16 : 8), 4, 32),
            BatchSize = batch,
            Smoothing = Smoothing ?? (2 * (length / 40)) + 1,
            Epochs = Epochs ?? Math.Clamp((steps + stepsPerEpoch - 1) / stepsPerEpoch, 20, 1000),
        };
    }

    /// <summary>Refuses sizes and rates out of range, naming the setting.</summary>
    public void Validate()
    {
        static void Positive(int? value, string name)
        {
            if (value is int v && v < 1)
            {
                throw new ArgumentException($"{name} must be at least 1; found {v}.");
            }
        }

        Positive(Neighbours, "neighbours");
        Positive(HiddenSize, "hidden size");
        Positive(CodeSize, "code size");
        Positive(BatchSize, "batch size");
        Positive(Smoothing, "smoothing");
        Positive(Epochs, "epochs");
        Positive(Patience, "patience");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"learning rate must be positive and finite; found {LearningRate}."));
        }

        if (Noise is < 0 or > 10 || double.IsNaN(Noise))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"noise must lie in [0, 10] (standard deviations of the normalised values); found {Noise}."));
        }

        if (ValidationFraction is not (> 0 and < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"validation fraction must lie strictly between 0 and 1; found {ValidationFraction}."));
        }
    }
}
