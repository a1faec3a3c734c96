namespace AutoEncoders.Training;

/// <summary>
/// Divides the rate by 1/<see cref="Factor"/> when the monitored metric has not improved by a relative
/// <see cref="Threshold"/> for <see cref="Patience"/> epochs (Keras's ReduceLROnPlateau).
/// </summary>
public sealed class ReduceOnPlateauSchedule : LearningRateSchedule
{
    private double _best = double.PositiveInfinity;
    private int _badEpochs;
    private int _cooldownLeft;

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
    public override double RateAfter(int epochsDone, int totalEpochs, double baseRate, double currentRate, double monitored)
    {
        if (monitored < _best * (1 - Threshold))
        {
            _best = monitored;
            _badEpochs = 0;
        }
        else if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
        }
        else if (++_badEpochs > Patience - 1)
        {
            _badEpochs = 0;
            _cooldownLeft = Cooldown;
            return Math.Max(MinRate, currentRate * Factor);
        }

        return currentRate;
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> SaveState() => new Dictionary<string, double>
    {
        ["best"] = _best,
        ["badEpochs"] = _badEpochs,
        ["cooldownLeft"] = _cooldownLeft,
    };

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _best = state["best"];
        _badEpochs = (int)state["badEpochs"];
        _cooldownLeft = (int)state["cooldownLeft"];
    }
}
