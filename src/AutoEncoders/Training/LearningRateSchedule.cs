using System.Text.Json.Serialization;

namespace AutoEncoders.Training;

/// <summary>
/// Learning rate as a function of the epochs done (and, for plateau schedules, of the monitored metric). The
/// trainer asks once per epoch. Schedules are configuration: what a schedule must remember between epochs lives in
/// a dictionary of numbers that the trainer owns and saves in its checkpoints, so one schedule object can serve
/// many runs.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(StepDecaySchedule), "step")]
[JsonDerivedType(typeof(CosineAnnealingSchedule), "cosine")]
[JsonDerivedType(typeof(ReduceOnPlateauSchedule), "plateau")]
public abstract class LearningRateSchedule
{
    /// <summary>The rate for the next epoch.</summary>
    /// <param name="epochsDone">Completed epochs (1 after the first).</param>
    /// <param name="totalEpochs">Epochs the run was asked for.</param>
    /// <param name="baseRate">The optimiser's initial rate.</param>
    /// <param name="currentRate">The rate used in the epoch just finished.</param>
    /// <param name="monitored">The monitored metric of that epoch (validation loss when there is one).</param>
    /// <param name="state">The run's schedule state (empty at the start of a run); the schedule may update it.</param>
    public abstract double RateAfter(int epochsDone, int totalEpochs, double baseRate, double currentRate, double monitored, IDictionary<string, double> state);
}
