namespace AutoEncoders.Training;

/// <summary>Multiplies the rate by <see cref="Gamma"/> every <see cref="StepSize"/> epochs (PyTorch's StepLR).</summary>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; init; } = 10;

    /// <summary>Decay factor.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <inheritdoc />
    public override double RateAfter(int epochsDone, int totalEpochs, double baseRate, double currentRate, double monitored, IDictionary<string, double> state)
    {
        if (StepSize < 1)
        {
            throw new ArgumentException($"schedule.stepSize must be at least 1; found {StepSize}.");
        }

        return baseRate * Math.Pow(Gamma, epochsDone / StepSize);
    }
}
