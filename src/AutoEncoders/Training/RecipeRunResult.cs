namespace AutoEncoders.Training;

/// <summary>What <see cref="RecipeRunner.Execute"/> produced.</summary>
public sealed record RecipeRunResult
{
    /// <summary>Every epoch; <see cref="TrainingHistory.Interrupted"/> when the run was cancelled (its checkpoint resumes it).</summary>
    public required TrainingHistory History { get; init; }

    /// <summary>The test metrics (also in metrics.json), or null without test data or after an interruption.</summary>
    public IReadOnlyDictionary<string, double>? TestMetrics { get; init; }
}
