namespace AutoEncoders.Training;

/// <summary>
/// Cosine annealing without restarts (Loshchilov and Hutter, SGDR, 2017):
/// lr = min + (base - min) * (1 + cos(pi * epoch / T)) / 2.
/// </summary>
public sealed class CosineAnnealingSchedule : LearningRateSchedule
{
    /// <summary>Period T in epochs; null uses the run's epoch count.</summary>
    public int? Period { get; init; }

    /// <summary>Rate reached at the end of the period.</summary>
    public double MinRate { get; init; }

    /// <inheritdoc />
    public override double RateAfter(int epochsDone, int totalEpochs, double baseRate, double currentRate, double monitored, IDictionary<string, double> state)
    {
        int period = Math.Max(1, Period ?? totalEpochs);
        double t = Math.Min(epochsDone, period);
        return MinRate + ((baseRate - MinRate) * (1 + Math.Cos(Math.PI * t / period)) / 2);
    }
}
