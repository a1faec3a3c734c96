namespace AutoEncoders.Training;

/// <summary>
/// Cosine annealing without restarts (Loshchilov and Hutter, SGDR, 2017):
/// lr = min + (base - min) * (1 + cos(pi * epoch / T)) / 2.
/// </summary>
/// <remarks>
/// The rate never rises within a run. With no <see cref="Period"/>, T is the run's epoch count; a run resumed with
/// another epoch count keeps the rate it had reached and anneals from there to <see cref="MinRate"/> over the new
/// remaining epochs (recomputing the curve over the new T would put the rate back up the curve, undoing the decay
/// the run already had). The horizon in force and where its curve starts are kept in the schedule state, which the
/// trainer saves in its checkpoints.
/// </remarks>
public sealed class CosineAnnealingSchedule : LearningRateSchedule
{
    private const string HorizonKey = "cosine_horizon";
    private const string StartEpochKey = "cosine_start_epoch";
    private const string StartShareKey = "cosine_start_share";

    /// <summary>Period T in epochs; null uses the run's epoch count.</summary>
    public int? Period { get; init; }

    /// <summary>Rate reached at the end of the period.</summary>
    public double MinRate { get; init; }

    /// <inheritdoc />
    public override double RateAfter(int epochsDone, int totalEpochs, double baseRate, double currentRate, double monitored, IDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int horizon = Math.Max(1, Period ?? totalEpochs);
        if (!state.TryGetValue(HorizonKey, out double saved))
        {
            state[HorizonKey] = horizon;
            state[StartEpochKey] = 0;
            state[StartShareKey] = 1;
        }
        else if ((int)saved != horizon)
        {
            // A resume with another epoch count: a new curve from the epoch just done, at the rate it used. The start
            // is a share of the base rate, so a resume with another base rate scales it like the trainer does.
            state[HorizonKey] = horizon;
            state[StartEpochKey] = Math.Max(0, epochsDone - 1);
            state[StartShareKey] = baseRate > 0 ? currentRate / baseRate : 1;
        }

        double start = state[StartEpochKey];
        double startRate = state[StartShareKey] * baseRate;
        double length = Math.Max(1, horizon - start);
        double t = Math.Clamp(epochsDone - start, 0, length);
        return MinRate + ((startRate - MinRate) * (1 + Math.Cos(Math.PI * t / length)) / 2);
    }
}
