namespace AutoEncoders.Training;

/// <summary>
/// Divides the rate by 1/<see cref="Factor"/> when the monitored metric has not improved by a relative
/// <see cref="Threshold"/> for <see cref="Patience"/> epochs (Keras's ReduceLROnPlateau).
/// </summary>
public sealed class ReduceOnPlateauSchedule : LearningRateSchedule
{
    /// <summary>Multiplier applied on a plateau.</summary>
    public double Factor { get; init; } = 0.1;

    /// <summary>Epochs without improvement before reducing.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Relative improvement that counts (1e-4 = 0.01%).</summary>
    public double Threshold { get; init; } = 1e-4;

    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; init; }

    /// <summary>Lower bound of the rate.</summary>
    public double MinRate { get; init; }

    /// <inheritdoc />
    public override double RateAfter(int epochsDone, int totalEpochs, double baseRate, double currentRate, double monitored, IDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        double best = state.TryGetValue("best", out double b) ? b : double.PositiveInfinity;
        double badEpochs = state.TryGetValue("badEpochs", out double bad) ? bad : 0;
        double cooldownLeft = state.TryGetValue("cooldownLeft", out double c) ? c : 0;
        double rate = currentRate;
        if (monitored < best * (1 - Threshold))
        {
            best = monitored;
            badEpochs = 0;
        }
        else if (cooldownLeft > 0)
        {
            cooldownLeft--;
        }
        else if (++badEpochs >= Patience)
        {
            badEpochs = 0;
            cooldownLeft = Cooldown;
            rate = Math.Max(MinRate, currentRate * Factor);
        }

        state["best"] = best;
        state["badEpochs"] = badEpochs;
        state["cooldownLeft"] = cooldownLeft;
        return rate;
    }
}
